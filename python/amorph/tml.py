# AMORPH - LAMMPS plugin package, GPL-2.0
"""T_ML model tooling: feature files and model files of ``fix tml`` (format in
doc/src/tml_model_format.rst), model building, k-fold cross-validation with a confusion
matrix and the predicted-vs-actual plot (Fig. 1 of the T_ML paper), class selection by
agglomerative clustering and feature ranking (ReliefF).

>>> from amorph import tml
>>> fs = tml.read_features("features_700K.txt")          # FeatureSet(meta, labels, X)
>>> model = tml.build_model(["f100.txt", "f700.txt", "f1700.txt"], k=50)
>>> model.save("cuzr.tmlmodel")                          # byte-identical to the C++ writer
>>> cv = tml.cross_validate(model.labels, model.features, folds=10)
>>> tml.plot_predicted_vs_actual(cv, "fig1.png")

Command line:  python3 -m amorph.tml build f1.txt f2.txt -o model.bin [--k 50]
[--cv 10 --plot fig1.png] [--classes N] [--rank-features]
               python3 -m amorph.tml classify model.bin features.txt -o tml.out [--k K]

Files record the fix's ``affine`` setting and number of time ``origins`` (format version 2;
version-1 files read as unknown): merging files recorded differently is an error, and
classifying features with a model trained differently is an error (affine) or a warning.

Everything standardises with the training mean and the population standard deviation
(ddof = 0, as scikit-learn's StandardScaler) and predicts T_ML as the uniform mean of the
labels of the k nearest neighbours, like the C++ kernel (which breaks distance ties by the
lower training index; scikit-learn's KNeighborsRegressor does not promise an order, so
results agree exactly only on data without distance ties).
"""
from __future__ import annotations

import argparse
import math
import os
import struct
import sys
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

FEAT_MAGIC = b"AMORPHTMLFEAT\0\0\0"
MODEL_MAGIC = b"AMORPHTMLMODEL\0\0"
TEXT_MAGIC = "AMORPH-TML-FEATURES"
FORMAT_VERSION = 2          # written; versions 1 and 2 are read
AFFINE_UNKNOWN = -1         # Metadata.affine: not recorded (version-1 files)
AFFINE_KEEP = 0             # displacements with the box's affine deformation
AFFINE_REMOVE = 1           # without it (fix tml's default)
_AFFINE_NAMES = {AFFINE_KEEP: "keep", AFFINE_REMOVE: "remove", AFFINE_UNKNOWN: "unknown"}
DEFAULT_K = 50
DEFAULT_DR2_FLOOR = 1.0e-10
LAG_RTOL = 1.0e-6

# annotation aliases (the functions accept anything np.asarray takes)
ArrayLike = Union[np.ndarray, Sequence[float], Sequence[Sequence[float]]]
PathLike = Union[str, "os.PathLike[str]"]
Progress = Callable[[float, str], Any]     # progress(fraction, message)


def fnv1a64(data: bytes, h: int = 14695981039346656037) -> int:
    """FNV-1a 64-bit hash of bytes (the checksum of both binary formats)."""
    arr = np.frombuffer(bytes(data), dtype=np.uint8)
    prime = 1099511628211
    mask = 0xFFFFFFFFFFFFFFFF
    # sequential by definition: pure Python, about 2-3 s per 10 MB
    for b in arr.tobytes():
        h = ((h ^ b) * prime) & mask
    return h


def affine_name(affine: int) -> str:
    """'keep', 'remove' or 'unknown' (as the C++ kernel's affine_name)."""
    return _AFFINE_NAMES.get(affine, f"invalid ({affine})")


@dataclass
class Metadata:
    units: str
    lags: list
    dr2_floor: float = DEFAULT_DR2_FLOOR
    affine: int = AFFINE_UNKNOWN     # AFFINE_UNKNOWN, AFFINE_KEEP or AFFINE_REMOVE
    origins: int = 0                 # time origins per dr2 (M >= 1), 0 = not recorded

    def validate(self):
        if not (1 <= len(self.units) <= 15) or any(c.isspace() or not c.isprintable() for c in self.units):
            raise ValueError(f"T_ML: bad unit style {self.units!r}")
        if len(self.lags) == 0:
            raise ValueError("T_ML: at least one lag is needed")
        if not all(math.isfinite(x) and x > 0 for x in self.lags):
            raise ValueError(f"T_ML: lags must be finite and > 0, got {self.lags}")
        if not (math.isfinite(self.dr2_floor) and self.dr2_floor > 0):
            raise ValueError(f"T_ML: dr2_floor must be > 0, got {self.dr2_floor}")
        if self.affine not in _AFFINE_NAMES:
            raise ValueError(f"T_ML: affine setting {self.affine} must be -1 (unknown), 0 (keep) or 1 (remove)")
        if not (0 <= int(self.origins) <= 0xFFFFFFFF) or int(self.origins) != self.origins:
            raise ValueError(f"T_ML: origins must be an integer between 0 and 4294967295, got {self.origins}")

    def compatible(self, other, rtol=LAG_RTOL):
        return (self.units == other.units and len(self.lags) == len(other.lags)
                and all(abs(a - b) <= rtol * max(abs(a), abs(b)) for a, b in zip(self.lags, other.lags)))


def check_recording(meta: Metadata, affine: int, origins: int, what: str) -> List[str]:
    """How features were recorded (``meta``, e.g. a model's metadata) against how they are
    recorded now (``affine``, ``origins``), as the C++ kernel's check_recording: raises
    ValueError if both affine settings are known and differ; returns a list of warnings
    (possibly empty) for an unrecorded affine setting or origins count (version-1 files)
    and for a different number of origins."""
    if affine not in _AFFINE_NAMES:
        raise ValueError(f"T_ML check_recording: affine setting {affine} must be -1 (unknown), "
                         "0 (keep) or 1 (remove)")
    if meta.affine not in _AFFINE_NAMES:
        raise ValueError(f"{what}: invalid affine setting {meta.affine}")
    warn = []
    ha, ho = meta.affine, int(meta.origins)
    if ha != AFFINE_UNKNOWN and affine != AFFINE_UNKNOWN:
        if ha != affine:
            raise ValueError(f"{what} was trained with affine {affine_name(ha)}, features are now recorded "
                             f"with affine {affine_name(affine)}: the features differ in meaning; use the "
                             "same affine setting as in training")
    elif ha == AFFINE_UNKNOWN and affine != AFFINE_UNKNOWN:
        warn.append(f"{what} does not record its affine setting (version-1 file); features are now recorded "
                    f"with affine {affine_name(affine)}: make sure the model was trained with the same setting")
    elif ha != AFFINE_UNKNOWN:
        warn.append(f"{what} was trained with affine {affine_name(ha)}, but the affine setting of the "
                    "features now used is not recorded (version-1 file): it cannot be checked")
    else:
        warn.append(f"neither {what} nor the features now used record the affine setting (version-1 "
                    "files): it cannot be checked")
    if ho > 0 and origins > 0:
        if ho != origins:
            warn.append(f"{what} was trained with origins {ho}, features are now recorded with origins "
                        f"{origins}: squared displacements averaged over a different number of time origins "
                        "have a different spread, so T_ML may be biased")
    elif ho == 0 and origins > 0:
        warn.append(f"{what} does not record its number of time origins (version-1 file); features are now "
                    f"recorded with origins {origins}: make sure the model was trained with the same number")
    elif ho > 0:
        warn.append(f"{what} was trained with origins {ho}, but the number of time origins of the features "
                    "now used is not recorded (version-1 file): it cannot be checked")
    else:
        warn.append(f"neither {what} nor the features now used record the number of time origins "
                    "(version-1 files): it cannot be checked")
    return warn


def merge_recording(metas: Sequence[Metadata], names: Sequence[str],
                    who: str = "T_ML: ") -> Tuple[int, int]:
    """(affine, origins) of several inputs merged as the C++ kernel does: two known, different
    values raise ValueError naming both inputs; a value unknown in any input is unknown."""
    first_a = first_o = None
    unknown_a = unknown_o = False
    for i, m in enumerate(metas):
        if m.affine == AFFINE_UNKNOWN:
            unknown_a = True
        elif first_a is None:
            first_a = i
        elif m.affine != metas[first_a].affine:
            raise ValueError(f"{who}{names[first_a]} (affine {affine_name(metas[first_a].affine)}) and "
                             f"{names[i]} (affine {affine_name(m.affine)}) were recorded with different "
                             "affine settings: the features differ in meaning and cannot be merged")
        if m.origins == 0:
            unknown_o = True
        elif first_o is None:
            first_o = i
        elif m.origins != metas[first_o].origins:
            raise ValueError(f"{who}{names[first_o]} (origins {metas[first_o].origins}) and {names[i]} "
                             f"(origins {m.origins}) were recorded with different numbers of time origins "
                             "and cannot be merged")
    affine = AFFINE_UNKNOWN if unknown_a or first_a is None else metas[first_a].affine
    origins = 0 if unknown_o or first_o is None else int(metas[first_o].origins)
    return affine, origins


@dataclass
class FeatureSet:
    meta: Metadata
    labels: np.ndarray = field(default_factory=lambda: np.zeros(0))
    features: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))

    def __len__(self):
        return len(self.labels)


def features_from_dr2(dr2: ArrayLike, temperature: float,
                      dr2_floor: float = DEFAULT_DR2_FLOOR) -> np.ndarray:
    """f_k = log10(max(dr2_k, floor) / T) (the fix's features)."""
    if not temperature > 0:
        raise ValueError(f"T_ML: temperature must be > 0, got {temperature}")
    return np.log10(np.maximum(np.asarray(dr2, float), dr2_floor) / temperature)


# ---------------------------------------------------------------------------- feature files

def _read_text_features(path):
    meta = {}
    rows = []
    version = 0
    affine, origins = AFFINE_UNKNOWN, 0
    with open(path, "r") as fh:
        for lineno, line in enumerate(fh, 1):
            s = line.strip()
            if not s:
                continue
            if not version:
                w = s.lstrip("#").split()
                if not s.startswith("#") or len(w) != 2 or w[0] != TEXT_MAGIC:
                    raise ValueError(f"{path}:{lineno}: not an AMORPH T_ML feature file (first line must be "
                                     f"'# {TEXT_MAGIC} {FORMAT_VERSION}')")
                if w[1] not in [str(v) for v in range(1, FORMAT_VERSION + 1)]:
                    raise ValueError(f"{path}:{lineno}: unsupported feature file version {w[1]} (this build "
                                     f"reads versions 1 to {FORMAT_VERSION})")
                version = int(w[1])
                continue
            if s.startswith("#"):
                w = s[1:].split()
                keys = ("units", "lags", "nfeatures", "dr2_floor", "columns")
                if version >= 2:
                    keys += ("affine", "origins")
                if not w or w[0] not in keys:
                    continue
                if rows:
                    raise ValueError(f"{path}:{lineno}: header line '# {w[0]} ...' after data rows")
                if w[0] in meta:
                    raise ValueError(f"{path}:{lineno}: duplicate header keyword '{w[0]}'")
                meta[w[0]] = w[1:]
                if w[0] == "affine":
                    if w[1:] not in (["remove"], ["keep"]):
                        raise ValueError(f"{path}:{lineno}: 'affine' expects 'remove' or 'keep', found "
                                         f"'{line.rstrip()}'")
                    affine = AFFINE_KEEP if w[1] == "keep" else AFFINE_REMOVE
                elif w[0] == "origins":
                    if len(w) != 2 or not w[1].isdigit() or not 1 <= int(w[1]) <= 0xFFFFFFFF:
                        raise ValueError(f"{path}:{lineno}: 'origins' expects one integer between 1 and "
                                         f"4294967295, found '{line.rstrip()}'")
                    origins = int(w[1])
                continue
            rows.append(s.split())
    if not version:
        raise ValueError(f"{path}: empty file, not an AMORPH T_ML feature file")
    if "units" not in meta or "lags" not in meta:
        raise ValueError(f"{path}: header lacks 'units' or 'lags'")
    m = Metadata(meta["units"][0], [float(x) for x in meta["lags"]],
                 float(meta["dr2_floor"][0]) if "dr2_floor" in meta else DEFAULT_DR2_FLOOR,
                 affine, origins)
    m.validate()
    d = len(m.lags)
    if rows and any(len(r) != d + 1 for r in rows):
        bad = next(i for i, r in enumerate(rows) if len(r) != d + 1)
        raise ValueError(f"{path}: row {bad + 1}: expected {d + 1} columns (label + {d} features)")
    a = np.array(rows, dtype=float).reshape(-1, d + 1)
    return FeatureSet(m, a[:, 0].copy(), a[:, 1:].copy())


def _read_binary_features(path, data):
    if len(data) < 20:
        raise ValueError(f"{path}: truncated binary feature file")
    ver, = struct.unpack_from("<I", data, 16)
    if not 1 <= ver <= FORMAT_VERSION:
        raise ValueError(f"{path}: unsupported feature format version {ver} (this build reads versions 1 "
                         f"to {FORMAT_VERSION})")
    head = 64 if ver >= 2 else 56          # magic .. origins (version 2), .. dr2_floor (version 1)
    if len(data) < head + 8:
        raise ValueError(f"{path}: truncated binary feature file")
    d, n = struct.unpack_from("<IQ", data, 20)
    size = head + 8 + 8 * d + 8 * n * (d + 1)
    if len(data) != size:
        raise ValueError(f"{path}: {len(data)} bytes, expected {size} (truncated or trailing bytes)")
    if struct.unpack_from("<Q", data, size - 8)[0] != fnv1a64(data[:size - 8]):
        raise ValueError(f"{path}: checksum mismatch, the file is corrupt")
    units = data[32:48].split(b"\0")[0].decode()
    floor, = struct.unpack_from("<d", data, 48)
    affine, origins = struct.unpack_from("<iI", data, 56) if ver >= 2 else (AFFINE_UNKNOWN, 0)
    if affine not in _AFFINE_NAMES:
        raise ValueError(f"{path}: corrupt header: affine setting {affine} (expected -1 = unknown, "
                         "0 = keep or 1 = remove)")
    lags = list(struct.unpack_from(f"<{d}d", data, head))
    rec = np.frombuffer(data, "<f8", count=n * (d + 1), offset=head + 8 * d).reshape(n, d + 1)
    m = Metadata(units, lags, floor, affine, origins)
    m.validate()
    return FeatureSet(m, rec[:, 0].copy(), rec[:, 1:].copy())


def read_features(path: PathLike) -> FeatureSet:
    """Read a text or binary feature file (format detected from the first bytes)."""
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:16] == FEAT_MAGIC:
        return _read_binary_features(path, data)
    return _read_text_features(path)


def write_features(path: PathLike, fs: FeatureSet, binary: bool = False) -> None:
    """Write a FeatureSet as a text (repr() numbers, round-trip exact) or binary file."""
    fs.meta.validate()
    d = len(fs.meta.lags)
    X = np.asarray(fs.features, float).reshape(-1, d)
    y = np.asarray(fs.labels, float)
    if binary:
        head = FEAT_MAGIC + struct.pack("<IIQ", FORMAT_VERSION, d, len(y))
        head += fs.meta.units.encode().ljust(16, b"\0")
        head += struct.pack("<diI", fs.meta.dr2_floor, fs.meta.affine, int(fs.meta.origins))
        head += struct.pack(f"<{d}d", *fs.meta.lags)
        body = np.column_stack([y, X]).astype("<f8").tobytes()
        data = head + body
        data += struct.pack("<Q", fnv1a64(data))
        with open(path, "wb") as fh:
            fh.write(data)
        return
    with open(path, "w") as fh:
        fh.write(f"# {TEXT_MAGIC} {FORMAT_VERSION}\n# units {fs.meta.units}\n# nfeatures {d}\n")
        fh.write("# lags " + " ".join(repr(float(x)) for x in fs.meta.lags) + "\n")
        fh.write(f"# dr2_floor {fs.meta.dr2_floor!r}\n")
        if fs.meta.affine != AFFINE_UNKNOWN:
            fh.write(f"# affine {affine_name(fs.meta.affine)}\n")
        if fs.meta.origins:
            fh.write(f"# origins {int(fs.meta.origins)}\n")
        fh.write("# columns label "
                 + " ".join(f"f{j + 1}" for j in range(d)) + "\n")
        for lab, row in zip(y, X):
            fh.write(repr(float(lab)) + " " + " ".join(repr(float(v)) for v in row) + "\n")


def concat_features(sets: Sequence[FeatureSet],
                    names: Optional[Sequence[str]] = None) -> FeatureSet:
    """Concatenate FeatureSets in order (metadata must agree, as in the C++ builder).  Two
    sets with known, different affine settings or origins counts are an error naming both;
    a setting unknown in any set is unknown in the result."""
    first = sets[0]
    for i, s in enumerate(sets[1:], 1):
        if not first.meta.compatible(s.meta, rtol=1e-9) or s.meta.dr2_floor != first.meta.dr2_floor:
            who = names[i] if names else f"set {i}"
            raise ValueError(f"T_ML: {who} has units/lags/floor {s.meta} different from {first.meta}")
    labels = [f"feature file '{n}'" for n in names] if names else [f"feature set {i}" for i in range(len(sets))]
    affine, origins = merge_recording([s.meta for s in sets], labels)
    meta = Metadata(first.meta.units, list(first.meta.lags), first.meta.dr2_floor, affine, origins)
    return FeatureSet(meta, np.concatenate([s.labels for s in sets]),
                      np.vstack([s.features for s in sets]))


# ---------------------------------------------------------------------------- model

def _neumaier(values):
    """Compensated (Neumaier) sum in the order given, exactly as the C++ kernel."""
    s = 0.0
    c = 0.0
    for x in values:
        t = s + x
        if abs(s) >= abs(x):
            c += (s - t) + x
        else:
            c += (x - t) + s
        s = t
    return s + c


def standardisation(X: ArrayLike) -> Tuple[np.ndarray, np.ndarray]:
    """Training mean and population std per feature, bitwise equal to the C++ kernel
    (compensated summation in row order)."""
    X = np.asarray(X, float)
    n, d = X.shape
    if n == 0:
        raise ValueError("T_ML standardisation: no training instances")
    mean = np.empty(d)
    std = np.empty(d)
    for j in range(d):
        col = X[:, j].tolist()
        m = _neumaier(col) / n
        t = (X[:, j] - m)
        sd = math.sqrt(_neumaier((t * t).tolist()) / n)
        if not sd > 0:
            raise ValueError(f"T_ML model: feature {j + 1} has zero standard deviation")
        mean[j] = m
        std[j] = sd
    return mean, std


def _fmt_double(x: float) -> str:
    """Shortest round-trip text of x, as the C++ kernel's fmt_double (std::to_chars)."""
    r = repr(float(x))
    return r[:-2] if r.endswith(".0") else r


def _feature_name(j: int, lags) -> str:
    return f"feature {j + 1} (lag {_fmt_double(lags[j])})"


def _check_model_values(source: str, lags, mean, std, labels, X) -> None:
    """The value checks of the C++ model reader (tml_format.cpp), same wording: finite means,
    finite positive standard deviations, finite labels and features."""
    for j in range(len(lags)):
        if not math.isfinite(mean[j]):
            raise ValueError(f"{source}: non-finite mean of {_feature_name(j, lags)}")
        if not (math.isfinite(std[j]) and std[j] > 0):
            raise ValueError(f"{source}: standard deviation of {_feature_name(j, lags)} must be "
                             f"finite and > 0 (got {_fmt_double(std[j])})")
    bad_label = ~np.isfinite(labels)
    bad_row = ~np.all(np.isfinite(X), axis=1)
    if bad_label.any() or bad_row.any():
        i = int(np.flatnonzero(bad_label | bad_row)[0])
        what = "label" if bad_label[i] else f"feature {int(np.flatnonzero(~np.isfinite(X[i]))[0]) + 1}"
        raise ValueError(f"{source}: non-finite {what} of training instance {i + 1}")


class Model:
    """A T_ML model: metadata, raw training features and labels, mean/std, default k."""

    def __init__(self, meta, labels, features, k=DEFAULT_K, mean=None, std=None):
        meta.validate()
        self.meta = meta
        self.labels = np.ascontiguousarray(labels, float)
        self.features = np.ascontiguousarray(features, float).reshape(len(self.labels), len(meta.lags))
        if len(self.labels) == 0:
            raise ValueError("T_ML model: no training instances")
        if not (1 <= k <= len(self.labels)):
            raise ValueError(f"T_ML model: k = {k} must be between 1 and the {len(self.labels)} instances")
        self.k = int(k)
        if mean is None:
            mean, std = standardisation(self.features)
        self.mean = np.asarray(mean, float)
        self.std = np.asarray(std, float)
        self.source = ""            # file name if loaded from a file

    @property
    def dim(self) -> int:
        return len(self.meta.lags)

    def __len__(self):
        return len(self.labels)

    def standardise(self, X: ArrayLike) -> np.ndarray:
        return (np.asarray(X, float) - self.mean) / self.std

    def to_bytes(self) -> bytes:
        d, n = self.dim, len(self)
        out = bytearray(MODEL_MAGIC)
        out += struct.pack("<IIQ", FORMAT_VERSION, d, n)
        out += self.meta.units.encode().ljust(16, b"\0")
        out += np.asarray(self.meta.lags, "<f8").tobytes()
        out += self.mean.astype("<f8").tobytes() + self.std.astype("<f8").tobytes()
        out += struct.pack("<IdiI", self.k, self.meta.dr2_floor, self.meta.affine, int(self.meta.origins))
        out += self.labels.astype("<f8").tobytes() + self.features.astype("<f8").tobytes()
        out += struct.pack("<Q", fnv1a64(out))
        return bytes(out)

    def save(self, path: PathLike) -> None:
        with open(path, "wb") as fh:
            fh.write(self.to_bytes())

    @classmethod
    def from_bytes(cls, data: bytes, source: str = "<memory>") -> Model:
        if len(data) < 48 or data[:16] != MODEL_MAGIC:
            raise ValueError(f"{source}: bad magic or truncated, not an AMORPH T_ML model file")
        ver, d, n = struct.unpack_from("<IIQ", data, 16)
        if not 1 <= ver <= FORMAT_VERSION:
            raise ValueError(f"{source}: unsupported model format version {ver} (this build reads versions "
                             f"1 to {FORMAT_VERSION})")
        params = 20 if ver >= 2 else 12     # k, dr2_floor [, affine, origins]
        size = 56 + params + 24 * d + 8 * n + 8 * n * d
        if len(data) != size:
            raise ValueError(f"{source}: {len(data)} bytes, expected {size} (truncated or trailing bytes)")
        if struct.unpack_from("<Q", data, size - 8)[0] != fnv1a64(data[:size - 8]):
            raise ValueError(f"{source}: checksum mismatch, the file is corrupt")
        units = data[32:48].split(b"\0")[0].decode()
        o = 48
        lags = np.frombuffer(data, "<f8", d, o)
        mean = np.frombuffer(data, "<f8", d, o + 8 * d)
        std = np.frombuffer(data, "<f8", d, o + 16 * d)
        k, floor = struct.unpack_from("<Id", data, o + 24 * d)
        affine, origins = struct.unpack_from("<iI", data, o + 24 * d + 12) if ver >= 2 else (AFFINE_UNKNOWN, 0)
        if affine not in _AFFINE_NAMES:
            raise ValueError(f"{source}: corrupt header: affine setting {affine} (expected -1 = unknown, "
                             "0 = keep or 1 = remove)")
        o += 24 * d + params
        labels = np.frombuffer(data, "<f8", n, o)
        X = np.frombuffer(data, "<f8", n * d, o + 8 * n).reshape(n, d)
        _check_model_values(source, lags, mean, std, labels, X)
        return cls(Metadata(units, [float(x) for x in lags], floor, affine, origins), labels.copy(), X.copy(),
                   k, mean.copy(), std.copy())

    @classmethod
    def load(cls, path: PathLike) -> Model:
        with open(path, "rb") as fh:
            m = cls.from_bytes(fh.read(), f"T_ML model file '{path}'")
        m.source = str(path)
        return m

    def regressor(self, k=None, n_jobs=None, algorithm="auto"):
        """A fitted scikit-learn KNeighborsRegressor on the standardised training data."""
        from sklearn.neighbors import KNeighborsRegressor
        reg = KNeighborsRegressor(n_neighbors=k or self.k, weights="uniform",
                                  algorithm=algorithm, n_jobs=n_jobs)
        reg.fit(self.standardise(self.features), self.labels)
        return reg

    def predict(self, X: ArrayLike, k: Optional[int] = None, n_jobs: Optional[int] = None) -> np.ndarray:
        """T_ML of raw feature rows X (n, d) with scikit-learn."""
        return self.regressor(k, n_jobs).predict(self.standardise(X))


def check_compatible(meta: Metadata, lags: Sequence[float], units: str, what: str,
                     rtol: float = LAG_RTOL) -> None:
    """Raise ValueError listing both if the unit style or the lags (relative tolerance rtol)
    differ from ``meta``'s (as the C++ kernel's check_compatible)."""
    if meta.units != units:
        raise ValueError(f"{what}: unit style mismatch: model uses units '{meta.units}', but the features "
                         f"use units '{units}'")
    if not meta.compatible(Metadata(units, list(lags)), rtol):
        raise ValueError(f"{what}: lag mismatch: model was trained with {len(meta.lags)} lags {list(meta.lags)} "
                         f"({meta.units} time units), but the features use {len(lags)} lags {list(lags)} "
                         f"(relative tolerance {rtol:g})")


def classify_file(model: Model, path: PathLike, k: Optional[int] = None,
                  warn: Optional[Callable[[str], Any]] = None) -> Tuple[np.ndarray, np.ndarray]:
    """T_ML of the rows of a feature file (labels ignored), as ``fix tml ... classify``: the
    file's unit style and lags must match the model's, and how it was recorded (affine
    setting, number of origins) is compared with the model's by :func:`check_recording`
    (ValueError for a different affine setting).  Warnings go to ``warn(message)``, by
    default to stderr.  Returns (labels, T_ML)."""
    fs = read_features(path)
    what = f"model '{model.source}'" if model.source else "model"
    check_compatible(model.meta, fs.meta.lags, fs.meta.units, f"feature file '{path}' (classify)")
    for w in check_recording(model.meta, fs.meta.affine, fs.meta.origins, what):
        if warn:
            warn(w)
        else:
            print(f"WARNING: feature file '{path}' (classify): {w}", file=sys.stderr)
    if len(fs) == 0:
        return fs.labels, np.zeros(0)
    return fs.labels, model.predict(fs.features, k)


def build_model(feature_files: Sequence[PathLike], k: int = DEFAULT_K,
                classes: Optional[Sequence[float]] = None,
                features: Optional[Sequence[int]] = None) -> Model:
    """Model from feature files (concatenated in order, as the C++ builder); optionally
    keep only some class labels and some feature columns (0-based)."""
    fs = concat_features([read_features(f) for f in feature_files], list(feature_files))
    y, X, meta = fs.labels, fs.features, fs.meta
    if classes is not None:
        keep = np.isin(y, np.asarray(classes, float))
        y, X = y[keep], X[keep]
    if features is not None:
        cols = sorted(features)
        X = X[:, cols]
        meta = Metadata(meta.units, [meta.lags[c] for c in cols], meta.dr2_floor, meta.affine, meta.origins)
    return Model(meta, y, X, k)


# ---------------------------------------------------------------------------- analysis

@dataclass
class CVResult:
    labels: np.ndarray        # actual label per instance
    predicted: np.ndarray     # T_ML per instance (out of fold)
    classes: np.ndarray       # sorted distinct labels
    confusion: np.ndarray     # confusion[i, j]: actual class i predicted as class j (nearest)
    folds: int
    k: int

    def accuracy(self):
        return np.trace(self.confusion) / self.confusion.sum()

    def r2(self):
        """Coefficient of determination of the predicted against the actual temperature."""
        y = self.labels
        return float(1.0 - np.sum((self.predicted - y) ** 2) / np.sum((y - y.mean()) ** 2))

    def mean_predicted(self):
        return np.array([self.predicted[self.labels == c].mean() for c in self.classes])

    def fraction_above(self, threshold):
        """Per class, the fraction of instances predicted above ``threshold`` (e.g. Tg)."""
        return np.array([np.mean(self.predicted[self.labels == c] > threshold) for c in self.classes])

    def summary(self):
        lines = [f"{self.folds}-fold cross-validation, k = {self.k}: R^2 {self.r2():.3f}, "
                 f"accuracy {self.accuracy():.3f}",
                 "actual   mean T_ML   std"]
        for c in self.classes:
            p = self.predicted[self.labels == c]
            lines.append(f"{c:8g} {p.mean():10.4g} {p.std():8.3g}")
        lines.append("confusion matrix (rows: actual, columns: predicted class = nearest label):")
        lines.append("         " + " ".join(f"{c:>8g}" for c in self.classes))
        for c, row in zip(self.classes, self.confusion):
            lines.append(f"{c:8g} " + " ".join(f"{v:8d}" for v in row))
        return "\n".join(lines)


def cross_validate(labels: ArrayLike, X: ArrayLike, folds: int = 10, k: int = DEFAULT_K, seed: int = 0,
                   n_jobs: Optional[int] = None, progress: Optional[Progress] = None) -> CVResult:
    """Stratified k-fold cross-validation of the kNN regressor (standardisation fitted on
    each training fold).  The predicted class of an instance is the label nearest to its
    T_ML.  ``progress(fraction, message)``, if given, is called after each fold."""
    from sklearn.model_selection import StratifiedKFold
    from sklearn.neighbors import KNeighborsRegressor
    from sklearn.preprocessing import StandardScaler
    y = np.asarray(labels, float)
    X = np.asarray(X, float)
    classes = np.unique(y)
    cls_idx = np.searchsorted(classes, y)
    pred = np.empty(len(y))
    skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for f, (tr, te) in enumerate(skf.split(X, cls_idx)):
        sc = StandardScaler().fit(X[tr])
        reg = KNeighborsRegressor(n_neighbors=min(k, len(tr)), n_jobs=n_jobs).fit(sc.transform(X[tr]), y[tr])
        pred[te] = reg.predict(sc.transform(X[te]))
        if progress:
            progress((f + 1) / folds, f"cross-validation fold {f + 1}/{folds}")
    pcls = np.abs(pred[:, None] - classes[None, :]).argmin(axis=1)
    conf = np.zeros((len(classes), len(classes)), int)
    np.add.at(conf, (cls_idx, pcls), 1)
    return CVResult(y, pred, classes, conf, folds, k)


def plot_predicted_vs_actual(cv, path=None, ax=None):
    """The paper's Fig. 1: mean (and std) of the predicted T_ML per actual temperature,
    with the identity line; plus the confusion matrix as an inset-free second panel."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    own = ax is None
    if own:
        fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 4.2))
    means = np.array([cv.predicted[cv.labels == c].mean() for c in cv.classes])
    stds = np.array([cv.predicted[cv.labels == c].std() for c in cv.classes])
    ax.errorbar(cv.classes, means, yerr=stds, fmt="o", capsize=3, label="kNN T_ML")
    lo, hi = cv.classes.min(), cv.classes.max()
    ax.plot([lo, hi], [lo, hi], "k--", lw=1, label="ideal")
    ax.set_xlabel("actual temperature")
    ax.set_ylabel("predicted temperature (T_ML)")
    ax.set_title(f"{cv.folds}-fold CV, k = {cv.k}")
    ax.legend()
    if own:
        norm = cv.confusion / np.maximum(cv.confusion.sum(axis=1, keepdims=True), 1)
        im = ax2.imshow(norm, cmap="Blues", vmin=0, vmax=1)
        ticks = [f"{c:g}" for c in cv.classes]
        ax2.set_xticks(range(len(ticks)), ticks, rotation=45)
        ax2.set_yticks(range(len(ticks)), ticks)
        ax2.set_xlabel("predicted class")
        ax2.set_ylabel("actual class")
        fig.colorbar(im, ax=ax2, label="fraction")
        fig.tight_layout()
        if path:
            fig.savefig(path, dpi=150)
        plt.close(fig)
    return ax


def select_classes(labels, X, n_classes, linkage="ward"):
    """Agglomerative clustering of the temperature classes by their mean standardised
    feature vectors; returns (kept labels, cluster of each class).  From each cluster the
    class nearest to the cluster's centroid is kept (indistinguishable classes are merged
    into one representative)."""
    from sklearn.cluster import AgglomerativeClustering
    y = np.asarray(labels, float)
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    classes = np.unique(y)
    if n_classes >= len(classes):
        return list(classes), {c: i for i, c in enumerate(classes)}
    cent = np.array([Z[y == c].mean(axis=0) for c in classes])
    cl = AgglomerativeClustering(n_clusters=n_classes, linkage=linkage).fit_predict(cent)
    kept = []
    for g in range(n_classes):
        members = np.where(cl == g)[0]
        cc = cent[members].mean(axis=0)
        kept.append(classes[members[np.argmin(np.linalg.norm(cent[members] - cc, axis=1))]])
    return sorted(kept), {c: int(g) for c, g in zip(classes, cl)}


def auc(lower: ArrayLike, higher: ArrayLike) -> float:
    """Probability that an instance of the higher class is predicted higher than one of the
    lower class (ties count 1/2): the area under the ROC curve of the T_ML predictions,
    Mann-Whitney U / (n_lower n_higher).  0.5 = the model cannot tell the classes apart."""
    a = np.asarray(lower, float)
    b = np.asarray(higher, float)
    if len(a) == 0 or len(b) == 0:
        raise ValueError("T_ML: auc needs instances of both classes")
    allv = np.concatenate([a, b])
    order = np.argsort(allv, kind="mergesort")
    ranks = np.empty(len(allv))
    sv = allv[order]
    # average ranks of ties (1-based)
    i = 0
    while i < len(sv):
        j = i
        while j + 1 < len(sv) and sv[j + 1] == sv[i]:
            j += 1
        ranks[order[i:j + 1]] = 0.5 * (i + j) + 1.0
        i = j + 1
    u = ranks[len(a):].sum() - len(b) * (len(b) + 1) / 2.0
    return float(u / (len(a) * len(b)))


DEFAULT_MIN_AUC = 0.8


@dataclass
class ClassGroups:
    """Result of :func:`merge_indistinguishable`: groups of class labels (ascending), the
    kept representative of each group (its lowest temperature) and the AUC between adjacent
    groups at the last merge decision."""
    groups: list
    kept: list
    adjacent_auc: list
    min_auc: float

    def dropped(self):
        return [c for g in self.groups for c in g if c not in self.kept]

    def summary(self):
        lines = [f"indistinguishable classes (adjacent AUC < {self.min_auc:g}, average linkage):"]
        for g, k in zip(self.groups, self.kept):
            if len(g) > 1:
                lines.append(f"  group {[float(c) for c in g]}: kept {k:g}, dropped "
                             + ", ".join(f"{c:g}" for c in g if c != k))
            else:
                lines.append(f"  class {g[0]:g}: distinct")
        lines.append("  AUC between adjacent groups: "
                     + ", ".join(f"{a:.3f}" for a in self.adjacent_auc))
        return "\n".join(lines)


def merge_indistinguishable(labels: ArrayLike, predicted: ArrayLike,
                            min_auc: float = DEFAULT_MIN_AUC) -> ClassGroups:
    """Agglomerative clustering of the temperature classes by how well the model tells them
    apart.  The distance between two classes is the AUC of their (cross-validated) T_ML
    predictions; groups adjacent in temperature are merged, average linkage (the mean AUC
    over all pairs of member classes), while the closest adjacent pair has an AUC below
    ``min_auc``.  Each group keeps its lowest temperature: below the glass transition the
    vibrational mean squared displacement is proportional to T, so the features log10(dr^2/T)
    of the lowest classes coincide, and the paper kept its 100 K class and dropped 200-600 K."""
    y = np.asarray(labels, float)
    p = np.asarray(predicted, float)
    classes = list(np.unique(y))
    pair = {}
    for i, a in enumerate(classes):
        for b in classes[i + 1:]:
            pair[(a, b)] = auc(p[y == a], p[y == b])

    def link(g, h):
        return float(np.mean([pair[(a, b)] if a < b else pair[(b, a)] for a in g for b in h]))

    groups = [[c] for c in classes]
    while len(groups) > 1:
        links = [link(groups[i], groups[i + 1]) for i in range(len(groups) - 1)]
        i = int(np.argmin(links))
        if links[i] >= min_auc:
            break
        groups[i:i + 2] = [groups[i] + groups[i + 1]]
    links = [link(groups[i], groups[i + 1]) for i in range(len(groups) - 1)]
    return ClassGroups([[float(c) for c in g] for g in groups], [float(min(g)) for g in groups],
                       links, float(min_auc))


DEFAULT_CHECK_PER_CLASS = 1000


@dataclass
class ModelReport:
    """Model diagnostics, identical to what ``fix tml`` prints when it builds or loads a
    model: per class the instance count, the number checked, and the mean and standard
    deviation of the leave-one-out T_ML of the checked instances; the AUC between classes
    adjacent in temperature; the adjacent pairs with AUC < min_auc (the model cannot tell
    them apart)."""
    classes: np.ndarray
    counts: np.ndarray
    checked: np.ndarray
    mean_predicted: np.ndarray
    std_predicted: np.ndarray
    adjacent_auc: np.ndarray
    k: int
    min_auc: float

    def overlapping(self):
        return [(float(self.classes[i]), float(self.classes[i + 1]))
                for i, a in enumerate(self.adjacent_auc) if a < self.min_auc]

    def summary(self):
        lines = [f"T_ML model check: {int(self.counts.sum())} instances, k = {self.k}, leave-one-out "
                 f"T_ML of up to {int(self.checked.max())} instances per class",
                 "   class  instances  checked  mean T_ML  std T_ML  AUC to next"]
        for i, c in enumerate(self.classes):
            a = f" {self.adjacent_auc[i]:11.3f}" if i < len(self.adjacent_auc) else ""
            lines.append(f"{c:8g} {self.counts[i]:10d} {self.checked[i]:8d} {self.mean_predicted[i]:10.1f}"
                         f" {self.std_predicted[i]:9.1f}{a}")
        return "\n".join(lines) + "\n"

    def warnings(self):
        """One line per overlapping adjacent pair (as fix tml's warnings)."""
        return [f"classes {a:g} and {b:g} overlap (leave-one-out AUC {x:.3f} < {self.min_auc:g}): "
                "the model cannot tell them apart at these lags"
                for (a, b), x in zip(self.overlapping(),
                                     [v for v in self.adjacent_auc if v < self.min_auc])]


def check_subsample(labels: ArrayLike, per_class: int = DEFAULT_CHECK_PER_CLASS) -> np.ndarray:
    """Indices of the instances the model check uses: per class (ascending label), its
    instances in training order, every s-th from the first with s = ceil(n_class/per_class)."""
    y = np.asarray(labels, float)
    out = []
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        s = -(-len(idx) // per_class)
        out.append(idx[::s])
    return np.concatenate(out)


def check_model(model: Model, k: Optional[int] = None, per_class: int = DEFAULT_CHECK_PER_CLASS,
                min_auc: float = DEFAULT_MIN_AUC) -> ModelReport:
    """Leave-one-out check of a model (the report of ``fix tml``): each checked instance is
    predicted from its k nearest other training instances (standardised with the model's
    mean and std)."""
    from sklearn.neighbors import NearestNeighbors
    k = int(k or model.k)
    if k + 1 > len(model):
        raise ValueError(f"T_ML model check: k + 1 = {k + 1} exceeds the {len(model)} instances")
    Z = model.standardise(model.features)
    q = check_subsample(model.labels, per_class)
    nn = NearestNeighbors(n_neighbors=k + 1, algorithm="brute").fit(Z)
    dist, ind = nn.kneighbors(Z[q])
    pred = np.empty(len(q))
    for r, (i, row) in enumerate(zip(q, ind)):
        others = [j for j in row if j != i][:k]
        pred[r] = model.labels[others].mean()
    yq = model.labels[q]
    classes, counts = np.unique(model.labels, return_counts=True)
    checked = np.array([np.sum(yq == c) for c in classes])
    mean = np.array([pred[yq == c].mean() for c in classes])
    std = np.array([pred[yq == c].std() for c in classes])
    aucs = np.array([auc(pred[yq == classes[i]], pred[yq == classes[i + 1]])
                     for i in range(len(classes) - 1)])
    return ModelReport(classes, counts, checked, mean, std, aucs, k, float(min_auc))


def relieff(labels: ArrayLike, X: ArrayLike, n_neighbors: int = 10, n_samples: int = 1000, seed: int = 0,
            progress: Optional[Progress] = None) -> np.ndarray:
    """ReliefF feature weights (Kononenko 1994) for a multiclass problem, on standardised
    features scaled to [0, 1]; higher weight = more relevant.  Uses n_samples random
    instances and n_neighbors nearest hits/misses per class.  ``progress(fraction,
    message)``, if given, is called every 10 % of the samples."""
    from sklearn.neighbors import NearestNeighbors
    y = np.asarray(labels, float)
    X = np.asarray(X, float)
    rng = np.random.default_rng(seed)
    span = X.max(axis=0) - X.min(axis=0)
    span[span == 0] = 1.0
    Xs = (X - X.min(axis=0)) / span
    classes, counts = np.unique(y, return_counts=True)
    prior = dict(zip(classes, counts / len(y)))
    nn = {c: NearestNeighbors(n_neighbors=min(n_neighbors + 1, int((y == c).sum()))).fit(Xs[y == c])
          for c in classes}
    idx = rng.choice(len(y), size=min(n_samples, len(y)), replace=False)
    w = np.zeros(X.shape[1])
    step = max(1, len(idx) // 10)
    for n, i in enumerate(idx):
        if progress and n % step == 0:
            progress(n / len(idx), f"ReliefF sample {n}/{len(idx)}")
        ci = y[i]
        for c in classes:
            pts = Xs[y == c]
            _, nb = nn[c].kneighbors(Xs[i:i + 1])
            nb = nb[0]
            if c == ci:
                nb = nb[1:]          # drop the instance itself
                w -= np.abs(pts[nb] - Xs[i]).mean(axis=0)
            else:
                fac = prior[c] / (1 - prior[ci])
                w += fac * np.abs(pts[nb[:n_neighbors]] - Xs[i]).mean(axis=0)
    return w / len(idx)


# ---------------------------------------------------------------------------- CLI

def select_distinguishable(labels: ArrayLike, X: ArrayLike, folds: int = 10, k: int = DEFAULT_K,
                           min_auc: float = DEFAULT_MIN_AUC, seed: int = 0,
                           progress: Optional[Progress] = None,
                           log: Optional[Callable[[str], Any]] = None,
                           ) -> Tuple[List[float], List[ClassGroups]]:
    """Cross-validate, merge the classes the model cannot tell apart
    (:func:`merge_indistinguishable`), keep one class per group, and repeat on the kept
    classes until every adjacent pair is distinguishable.  Returns (kept classes, list of
    ClassGroups of the rounds)."""
    y = np.asarray(labels, float)
    X = np.asarray(X, float)
    kept = list(np.unique(y))
    rounds = []
    while True:
        m = np.isin(y, kept)
        cv = cross_validate(y[m], X[m], folds, k, seed, progress=progress)
        g = merge_indistinguishable(cv.labels, cv.predicted, min_auc)
        rounds.append(g)
        if log:
            log(g.summary())
        if g.kept == [float(c) for c in kept] or len(g.kept) < 2:
            return g.kept, rounds
        kept = g.kept


def main(argv: Optional[Sequence[str]] = None) -> int:
    import json
    ap = argparse.ArgumentParser(prog="python3 -m amorph.tml", description="T_ML model tooling")
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build a model file from feature files")
    b.add_argument("features", nargs="+")
    b.add_argument("-o", "--output", required=True)
    b.add_argument("--k", type=int, default=DEFAULT_K)
    b.add_argument("--cv", type=int, default=0, help="k-fold cross-validation with this many folds")
    b.add_argument("--plot", help="predicted-vs-actual plot file (with --cv)")
    b.add_argument("--classes", type=int, default=0, help="keep this many classes (agglomerative clustering "
                   "of the class centroids)")
    b.add_argument("--auto-classes", type=float, nargs="?", const=DEFAULT_MIN_AUC, default=None,
                   metavar="MIN_AUC", help="drop the classes the model cannot tell apart: agglomerative "
                   f"clustering by the cross-validated AUC of adjacent classes (default {DEFAULT_MIN_AUC})")
    b.add_argument("--threshold", type=float, help="report the fraction of each class predicted above "
                   "this temperature (e.g. Tg)")
    b.add_argument("--check", type=int, default=DEFAULT_CHECK_PER_CLASS,
                   help="model check (as fix tml): instances per class, 0 = none")
    b.add_argument("--json", help="write the numbers of the report to this JSON file")
    b.add_argument("--rank-features", action="store_true", help="print ReliefF feature weights")
    b.add_argument("--drop-features", type=int, nargs="*", default=[], help="1-based feature columns to drop")
    c = sub.add_parser("classify", help="T_ML of the rows of a feature file with a model (as fix tml classify)")
    c.add_argument("model")
    c.add_argument("features")
    c.add_argument("-o", "--output", required=True, help="output: one line 'label T_ML' per row")
    c.add_argument("--k", type=int, default=0, help="neighbours (default: the model's k)")
    a = ap.parse_args(argv)

    if a.cmd == "classify":
        try:
            model = Model.load(a.model)
            labels, pred = classify_file(model, a.features, a.k or None)
        except ValueError as e:
            print(f"ERROR: {e}", file=sys.stderr)
            return 1
        with open(a.output, "w") as fh:
            fh.write(f"# amorph.tml classify: {len(labels)} rows of {a.features}, model {len(model)} x "
                     f"{model.dim}, k = {a.k or model.k}\n# label T_ML\n")
            for lab, t in zip(labels, pred):
                fh.write(f"{float(lab)!r} {float(t)!r}\n")
        print(f"classified {len(labels)} rows of {a.features} -> {a.output}")
        return 0

    def report(fraction, message):    # progress of the long steps, on stderr
        print(f"  [{100 * fraction:5.1f} %] {message}", file=sys.stderr, flush=True)

    fs = concat_features([read_features(f) for f in a.features], a.features)
    all_classes, counts = np.unique(fs.labels, return_counts=True)
    print(f"{len(fs)} instances, {len(fs.meta.lags)} features, lags {fs.meta.lags} ({fs.meta.units} units), "
          f"affine {affine_name(fs.meta.affine)}, origins {fs.meta.origins or 'unknown'}, "
          f"classes {[float(c) for c in all_classes]}, instances per class {[int(c) for c in counts]}")
    out = {"classes_all": [float(c) for c in all_classes], "lags": [float(x) for x in fs.meta.lags],
           "units": fs.meta.units, "k": a.k, "affine": fs.meta.affine, "origins": int(fs.meta.origins)}
    if a.rank_features:
        w = relieff(fs.labels, fs.features, progress=report)
        for j in np.argsort(-w):
            print(f"  feature {j + 1} (lag {fs.meta.lags[j]:g}): ReliefF weight {w[j]:.4f}")
        out["relieff"] = [float(v) for v in w]
    feats = [j for j in range(len(fs.meta.lags)) if j + 1 not in set(a.drop_features)]
    classes = None
    if a.classes:
        classes, clusters = select_classes(fs.labels, fs.features, a.classes)
        print(f"class clusters {clusters}; kept {classes}")
    elif a.auto_classes is not None:
        classes, rounds = select_distinguishable(fs.labels, fs.features[:, feats], a.cv or 10, a.k,
                                                 a.auto_classes, progress=report, log=print)
        dropped = [float(c) for c in all_classes if c not in classes]
        print(f"classes kept {classes}; dropped (indistinguishable) {dropped}")
        out["groups"] = [r.groups for r in rounds]
        out["classes_dropped"] = dropped
    out["classes"] = [float(c) for c in (classes if classes is not None else all_classes)]
    model = build_model(a.features, a.k, classes, feats)
    if a.cv:
        cv = cross_validate(model.labels, model.features, a.cv, a.k, progress=report)
        print(cv.summary())
        out.update(cv_folds=a.cv, cv_r2=cv.r2(), cv_accuracy=float(cv.accuracy()),
                   cv_mean_predicted=[float(v) for v in cv.mean_predicted()],
                   cv_std_predicted=[float(cv.predicted[cv.labels == c].std()) for c in cv.classes],
                   cv_confusion=cv.confusion.tolist())
        if a.threshold is not None:
            fr = cv.fraction_above(a.threshold)
            print(f"fraction predicted above {a.threshold:g}: "
                  + ", ".join(f"{c:g}: {f:.3f}" for c, f in zip(cv.classes, fr)))
            out["cv_fraction_above_threshold"] = [float(v) for v in fr]
            out["threshold"] = a.threshold
        if a.plot:
            plot_predicted_vs_actual(cv, a.plot)
    if a.check:
        rep = check_model(model, per_class=a.check)
        print(rep.summary(), end="")
        for w in rep.warnings():
            print("WARNING: " + w)
        out["check"] = {"classes": rep.classes.tolist(), "counts": rep.counts.tolist(),
                        "mean_predicted": rep.mean_predicted.tolist(),
                        "adjacent_auc": rep.adjacent_auc.tolist(),
                        "overlapping": rep.overlapping()}
    model.save(a.output)
    print(f"wrote {a.output}: {len(model)} instances x {model.dim} features, k = {model.k}")
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(out, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
