# CTR-GCN + STF on NW-UCLA (joint stream), the short CPU schedule of
# ../ctrgcn_ucla_j_short.py (20 one-pass epochs, bfloat16) [S]. The STF
# losses start at epoch 5 as in the full schedule [S]. In bfloat16 the STF
# losses of a trained CTR-GCN agree with float32 within 0.4 % on real
# NW-UCLA batches (7 % at most), the gradients with cosine 0.99 or more
# (results/stf_ucla/README.md).
_base_ = ['../ctrgcn_ucla_j_short.py', './_base_/stf_ctrgcn.py']

model = dict(_base_.stf)
