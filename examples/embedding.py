"""Word embeddings: a next-token model learns vectors in which words used alike are neighbours.

A toy corpus from a small grammar ("the cat chases the mouse .", "alice feeds the old dog .",
"the big cow eats grass ." ...). The model reads the two previous tokens, looks each up in one
``nn.Embedding(V, 8)`` table (a learned vector per word), and predicts the next token:

    logits = Linear(16 -> 32) -> tanh -> Linear(32 -> V) applied to [E[w_{t-2}], E[w_{t-1}]]
    loss   = cross-entropy(logits, w_t)

Nothing tells it that "cat" and "dog" are both animals; but they occur in the same contexts, so
predicting the next token pushes their vectors together. The picture: the learned vectors
projected on their first two principal axes, the cosine similarity of every pair (sorted by
word class: the blocks are the classes), and the loss vs step. Printed: each word's nearest
neighbours, and how often the nearest neighbour is of the same class, before and after training.

    python examples/embedding.py [--out docs] [--quick]
"""
import os

import numpy as np

import tinygrad_course as tc
import tinygrad_course.nn.functional as F
from tinygrad_course import nn

from _common import example_parser, pyplot, save_figure

CLASSES = {
    "animal": ["cat", "dog", "cow", "horse", "mouse", "bird"],
    "food": ["fish", "meat", "grass", "hay", "cheese", "seeds"],
    "verb": ["eats", "likes", "wants", "smells"],
    "adjective": ["big", "small", "old", "young"],
    "person": ["alice", "bob", "carol", "dave"],
}
FUNCTION_WORDS = ["the", "feeds", "sleeps", "chases", "and", "."]
VOCAB = FUNCTION_WORDS + [w for ws in CLASSES.values() for w in ws]
INDEX = {w: i for i, w in enumerate(VOCAB)}
CLASS_OF = {w: c for c, ws in CLASSES.items() for w in ws}
CONTEXT = 2


def sentence(rng) -> list:
    """One sentence of the grammar (a list of words ending with '.')."""
    pick = lambda c: CLASSES[c][rng.integers(len(CLASSES[c]))]  # noqa: E731
    np_ = lambda: ["the"] + ([pick("adjective")] if rng.random() < 0.4 else []) + [pick("animal")]  # noqa: E731
    kind = rng.integers(4)
    if kind == 0:
        return np_() + [pick("verb"), pick("food"), "."]
    if kind == 1:
        return [pick("person"), "feeds", "the", pick("animal"), pick("food"), "."]
    if kind == 2:
        return np_() + ["chases"] + np_() + ["."]
    return [pick("person"), "and", pick("person"), "sleeps", "."]


def corpus(n_sentences: int, seed: int = 0) -> np.ndarray:
    """Token ids of ``n_sentences`` sentences, one after the other."""
    rng = np.random.default_rng(seed)
    return np.array([INDEX[w] for _ in range(n_sentences) for w in sentence(rng)])


def windows(ids: np.ndarray):
    """(contexts (T, CONTEXT), next tokens (T,)) for every position of the corpus."""
    X = np.stack([ids[i:len(ids) - CONTEXT + i] for i in range(CONTEXT)], axis=1)
    return X, ids[CONTEXT:]


class NextToken(nn.Module):
    """E[w_{t-2}], E[w_{t-1}] -> tanh MLP -> logits over the vocabulary."""

    def __init__(self, vocab: int, dim: int = 8, hidden: int = 32):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.mlp = nn.Sequential(nn.Linear(CONTEXT * dim, hidden), nn.Tanh(), nn.Linear(hidden, vocab))

    def forward(self, ctx):
        e = self.embed(ctx)  # (B, CONTEXT, dim)
        return self.mlp(e.reshape(e.shape[0], -1))


def cosine(E: np.ndarray) -> np.ndarray:
    """Cosine similarity of every pair of rows of E."""
    U = E / np.linalg.norm(E, axis=1, keepdims=True)
    return U @ U.T


def neighbours(E: np.ndarray, words, k: int = 3) -> dict:
    """Each word's ``k`` nearest other words by cosine similarity of their vectors."""
    S = cosine(E)
    out = {}
    for w in words:
        i = INDEX[w]
        order = [j for j in np.argsort(-S[i]) if j != i]
        out[w] = [VOCAB[j] for j in order[:k]]
    return out


def same_class_rate(E: np.ndarray) -> float:
    """Fraction of the class words whose nearest neighbour (cosine) is in the same class."""
    nn1 = neighbours(E, list(CLASS_OF), k=1)
    return float(np.mean([CLASS_OF.get(nn1[w][0]) == CLASS_OF[w] for w in CLASS_OF]))


def train(steps: int, n_sentences: int = 2000, batch_size: int = 128, seed: int = 0) -> dict:
    """Train the next-token model; return the embeddings before and after, and the losses."""
    X, Y = windows(corpus(n_sentences, seed))
    X, Y = tc.from_numpy(X), tc.from_numpy(Y)
    tc.manual_seed(seed)
    model = NextToken(len(VOCAB))
    E0 = model.embed.weight.detach().numpy().copy()
    opt = tc.optim.Adam(model.parameters(), lr=0.01)
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(steps):
        idx = tc.from_numpy(rng.integers(0, len(Y), batch_size))
        opt.zero_grad()
        loss = F.cross_entropy(model(X[idx]), Y[idx])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    with tc.no_grad():
        full = F.cross_entropy(model(X), Y).item()
    return {"E_before": E0, "E": model.embed.weight.detach().numpy().copy(), "losses": np.array(losses),
            "final_loss": full, "model": model}


def main(argv=None):
    ap = example_parser(__doc__, "folder for embedding.png")
    args = ap.parse_args(argv)
    res = train(300 if args.quick else 1500)
    E = res["E"]
    print(f"vocabulary {len(VOCAB)} words, embedding dim {E.shape[1]}, final loss {res['final_loss']:.3f}")
    print(f"nearest neighbour in the same class: {same_class_rate(res['E_before']):.0%} before training, "
          f"{same_class_rate(E):.0%} after")
    for w, ns in neighbours(E, [ws[0] for ws in CLASSES.values()] + ["mouse", "hay"]).items():
        print(f"  {w:<7} -> {', '.join(ns)}")

    plt = pyplot()
    if plt is None:
        return res
    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(17, 5.2), gridspec_kw={"width_ratios": [1.2, 1.2, 0.9]})
    words = list(CLASS_OF)
    rows = np.array([INDEX[w] for w in words])
    V = E[rows] - E[rows].mean(0)
    _, _, Vt = np.linalg.svd(V, full_matrices=False)
    P = V @ Vt[:2].T
    for i, c in enumerate(CLASSES):
        sel = [k for k, w in enumerate(words) if CLASS_OF[w] == c]
        ax1.scatter(P[sel, 0], P[sel, 1], color=f"C{i}", s=30, label=c)
        for k in sel:
            ax1.annotate(words[k], P[k], fontsize=8, xytext=(3, 3), textcoords="offset points")
    ax1.set_xlabel("principal axis 1 of the word vectors")
    ax1.set_ylabel("principal axis 2")
    ax1.set_title("learned word vectors (8-dim, projected)")
    ax1.grid(alpha=0.3)
    ax1.legend(fontsize=8)
    S = cosine(E[rows])
    im = ax2.imshow(S, cmap="RdBu_r", vmin=-1, vmax=1)
    ax2.set_xticks(range(len(words)))
    ax2.set_xticklabels(words, rotation=90, fontsize=7)
    ax2.set_yticks(range(len(words)))
    ax2.set_yticklabels(words, fontsize=7)
    ax2.set_title(f"cosine similarity (nearest neighbour same class: {same_class_rate(E):.0%})")
    fig.colorbar(im, ax=ax2, fraction=0.046, label="cos(E[u], E[v])")
    ax3.plot(np.arange(1, len(res["losses"]) + 1), res["losses"], "C0-", lw=0.8, label="mini-batch loss")
    ax3.axhline(res["final_loss"], color="k", ls=":", lw=1, label=f"final loss on all {len(VOCAB)}-way windows")
    ax3.set_xlabel("step")
    ax3.set_ylabel("next-token cross-entropy")
    ax3.set_title("loss vs step")
    ax3.grid(alpha=0.3)
    ax3.legend(fontsize=8)
    fig.suptitle("predicting the next word puts words used alike next to each other", fontsize=12)
    path = save_figure(fig, os.path.join(args.out, "embedding.png"))
    print(f"wrote {os.path.normpath(path)}")
    return res


if __name__ == "__main__":
    main()
