# The STF lines ("Towards To-a-T Spatio-Temporal Focus for Skeleton-Based
# Action Recognition", Ke, Peng, Lyu, AAAI 2022) on CTR-GCN. Only the
# abstract, the opening of the introduction and the figure captions of the
# paper were available: every option below is tagged as in
# ../shared/docs/stf-notes.md, [P] stated in the paper, [I] inferred, [R]
# borrowed from its lineage (Grad-CAM, GAIN, Sharpen Focus), [U] unknown,
# [S] our suggestion. No [R]/[U]/[S] default comes from the paper; the loss
# weights and start epochs are ours and were not tuned.
# An STF config inherits its baseline (or FR) config and this file:
#   _base_ = ['../ctrgcn_ucla_j.py', './_base_/stf_ctrgcn.py']
#   model = dict(_base_.stf)
# (MMEngine refuses a key that two bases both set, so this file names the
# STF lines `stf` and the config merges them into `model`.)
stf = dict(
    type='STFRecognizer',
    # Six STF modules [P], each with its own adjacency [P]; on which
    # backbone and where is [U]: blocks 5-10 of CTR-GCN (0-based 4-9) [S].
    # The STF adjacency A_k(x) = PA + alpha * CTR-GC refinement (learnable
    # topology initialised to the physical graph + instance-dependent,
    # channel-wise part) [S]; it is supervised by L_Gk and inference is
    # CTR-GCN's [I].
    backbone=dict(type='STFCTRGCN', stf_stages=(4, 5, 6, 7, 8, 9)),
    focus_stages=('gcn.4', 'gcn.5', 'gcn.6', 'gcn.7', 'gcn.8', 'gcn.9'),
    adjacency_stages=('gcn.4.gcn.adjacency', 'gcn.5.gcn.adjacency',
                      'gcn.6.gcn.adjacency', 'gcn.7.gcn.adjacency',
                      'gcn.8.gcn.adjacency', 'gcn.9.gcn.adjacency'),
    # The focus: gradient of a class score w.r.t. a module's features [I],
    # a (T, V) map per sample and person [P: a volume over frames x joints].
    focus_cfg=dict(
        pooling='channel',  # [R] Grad-CAM channel weights; 'element' [U]
        normalize='minmax',  # [R] Grad-CAM / GAIN; 'sum', 'none' [U]
        score='logit',  # [R] Grad-CAM; 'softmax' [U]
        create_graph=False),  # [S] first order (cheaper); True [U]
    stf_losses=dict(
        # L_e [P]: mask the focus of the predicted class, minimise its
        # probability on the masked input.
        exploration=dict(
            type='STFExplorationLoss',
            loss_weight=1.0,  # [U]; ours, untuned
            start_epoch=5,  # [U]; ours: after the 5-epoch lr warm-up
            stage=-1,  # [U]; the last module [S]
            threshold=0.5,  # sigma [U]; GAIN's soft mask [R]
            sharpness=10.,  # omega [U]; GAIN's soft mask [R]
            hard=False,  # [U]; soft mask [R]
            fill='zero',  # [U]; 'zero' is the centre joint's position [S]
            interpolation='nearest',  # [U]; T_k -> T along time [S]
            detach_mask=False,  # [U]; the gradient reaches the focus [R]
            bn_stats='frozen',  # [U]; no BN statistics from masked data [S]
            score='prob'),  # [P] the probability; 'logit' [U]
        # L_c [P]: the last two modules focus alike.
        coherence=dict(
            type='STFCoherenceLoss',
            loss_weight=1.0,  # [U]; ours, untuned
            start_epoch=5,  # [U]; ours
            stages=(-2, -1),  # [P] the last two modules
            distance='l1',  # [U]; [R]/[S]; 'cosine'
            detach_last=False,  # [U]; Sharpen Focus ties to the last [R]
            focus_class='pred'),  # [U]; 'label'
        # L_d [P]: the top-2 predicted classes focus differently.
        divergence=dict(
            type='STFDivergenceLoss',
            loss_weight=1.0,  # [U]; ours, untuned
            start_epoch=5,  # [U]; ours
            stage=-1,  # [U]; the last module [S]
            classes='top2'),  # [P]; 'label_confuser' (Sharpen Focus) [R]
        # L_Gk [P]: each module's adjacency consistent with its focus.
        adjacency=dict(
            type='STFAdjacencyLoss',
            loss_weight=0.1,  # [U]; ours, untuned (summed over 6 modules)
            start_epoch=5,  # [U]; ours
            form='degree',  # [U]; [S]: 'degree' or 'outer'
            distance='kl',  # [U]; [S]: 'kl' or 'l1'
            focus_class='pred')))  # [U]; 'label'
