"""Ridge probe (run from the repository root): how much of MSR Action3D a
linear model on 20 resampled frames keeps under each NW-UCLA step."""
import pickle

import numpy as np

d = pickle.load(open('../shared/data/msr_action3d/msr_action3d_3d.pkl', 'rb'))
by = {a['frame_dir']: a for a in d['annotations']}
rng = np.random.default_rng(0)


def rot(axis, a):
    c, s = np.cos(a), np.sin(a)
    i, j = (axis + 1) % 3, (axis + 2) % 3
    r = np.eye(3)
    r[i, i] = r[j, j] = c
    r[i, j], r[j, i] = -s, s
    return r


def prep(kp, centre, minmax, angle, scale):
    kp = kp[0].astype(np.float64)  # T V C
    present = np.any(kp != 0, axis=(1, 2))
    if centre is not None:
        kp = (kp - kp[present.argmax(), centre]) * present[:, None, None]
    if angle:
        ax, ay = np.deg2rad(rng.integers(-angle, angle + 1, 2))
        s = rng.uniform(*scale)
        kp = kp @ (s * rot(1, ay) @ rot(0, ax)).T
    if minmax:
        lo = kp.min((0, 1))
        sp = kp.max((0, 1)) - lo
        kp = (kp - lo) * 2 / np.where(sp > 0, sp, 1) - 1
    idx = np.linspace(0, len(kp) - 1, 20).astype(int)
    return kp[idx].ravel()


def run(centre=1, minmax=False, angle=0, scale=(1, 1), copies=1, lam=1.0):
    tr = d['split']['xsub_train']
    va = d['split']['xsub_val']
    X = np.stack([
        prep(by[n]['keypoint'], centre, minmax, angle, scale) for n in tr
        for _ in range(copies)
    ])
    y = np.array([by[n]['label'] for n in tr for _ in range(copies)])
    Xv = np.stack(
        [prep(by[n]['keypoint'], centre, minmax, 0, (1, 1)) for n in va])
    yv = np.array([by[n]['label'] for n in va])
    mu, sd = X.mean(0), X.std(0) + 1e-6
    X, Xv = (X - mu) / sd, (Xv - mu) / sd
    Y = np.eye(20)[y]
    W = np.linalg.solve(X.T @ X + lam * len(X) * np.eye(X.shape[1]), X.T @ Y)
    return (np.argmax(Xv @ W, 1) == yv).mean() * 100


for lam in (0.01, 0.1, 1.0):
    hip, spine = run(0, lam=lam), run(1, lam=lam)
    print(f'lam {lam}: centre hip {hip:.1f}  centre spine {spine:.1f}  '
          f'spine+minmax {run(1, True, lam=lam):.1f}')
lam = 0.1
for ang, sc in ((60, (0.5, 1.5)), (30, (0.5, 1.5)), (15, (0.9, 1.1)),
                (60, (1, 1))):
    plain = run(1, False, ang, sc, 10, lam)
    print(f'train aug angle {ang} scale {sc} x10 copies: no minmax '
          f'{plain:.1f}  minmax {run(1, True, ang, sc, 10, lam):.1f}')
