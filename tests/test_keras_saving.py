"""keras persistence: model.save / load_model (in a new process), save_weights / load_weights, damaged files."""
import json
import os
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest

import tinygrad_course as tc
from tinygrad_course import keras
from tinygrad_course.keras import layers as L


@pytest.fixture(autouse=True)
def _fresh():
    keras.backend.clear_session()
    tc.manual_seed(0)


def _data(n=48):
    rng = np.random.default_rng(0)
    xa = rng.normal(size=(n, 5, 3)).astype(np.float32)
    xb = rng.normal(size=(n, 4)).astype(np.float32)
    y = ((xa.sum(axis=(1, 2)) + xb[:, 0]) > 0).astype(np.int64)
    return xa, xb, y


def _functional():
    a = keras.Input(shape=(5, 3), name="seq")
    b = keras.Input(shape=(4,), name="side")
    h = L.LSTM(6, name="lstm")(a)
    h = L.Concatenate(name="cat")([h, L.Dense(6, activation="relu", name="side_dense")(b)])
    out = L.Dense(2, activation="softmax", name="out")(h)
    model = keras.Model([a, b], out, name="two_inputs")
    model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Adam(0.01), metrics=["accuracy"])
    return model


def _sequential():
    model = keras.Sequential([L.Conv2D(3, 3, activation="relu", input_shape=(6, 6, 1)), L.BatchNormalization(),
                              L.MaxPooling2D(), L.Flatten(), L.Dropout(0.2), L.Dense(2, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.SGD(0.05, momentum=0.9),
                  metrics=["accuracy"])
    return model


_CHILD = textwrap.dedent("""
    import sys, numpy as np, tinygrad_course as tc
    from tinygrad_course import keras
    path, data, out = sys.argv[1:4]
    d = np.load(data)
    model = keras.models.load_model(path)
    x = [d["xa"], d["xb"]] if "xb" in d.files else d["x"]
    pred = model.predict(x)
    tc.manual_seed(123)
    model.fit(x, d["y"], epochs=2, batch_size=16, verbose=0, shuffle=True)
    np.savez(out, pred=pred, after=model.predict(x), *model.get_weights())
""")


def _in_new_process(tmp_path, model_path, arrays):
    data = tmp_path / "data.npz"
    out = tmp_path / "child_out.npz"
    np.savez(data, **arrays)
    subprocess.run([sys.executable, "-c", _CHILD, str(model_path), str(data), str(out)], check=True,
                   capture_output=True, timeout=120)
    return np.load(out)


@pytest.mark.parametrize("kind", ["functional", "sequential"])
def test_save_load_in_new_process_predicts_and_trains_identically(tmp_path, kind):
    xa, xb, y = _data()
    if kind == "functional":
        model, x, arrays, yy = _functional(), [xa, xb], {"xa": xa, "xb": xb, "y": y}, y
    else:
        x = np.random.default_rng(1).normal(size=(48, 6, 6, 1)).astype(np.float32)
        yy = keras.utils.to_categorical(y, 2)
        model, arrays = _sequential(), {"x": x, "y": yy}
    model.fit(x, yy, epochs=2, batch_size=16, verbose=0)  # optimizer state (moments, momentum) is non-trivial
    path = tmp_path / "m.keras"
    model.save(path)
    pred = model.predict(x)
    child = _in_new_process(tmp_path, path, arrays)
    np.testing.assert_array_equal(child["pred"], pred)
    assert not np.allclose(child["after"], child["pred"])  # the child did train
    # continuing training from the file gives what continuing in memory gives
    tc.manual_seed(123)
    model.fit(x, yy, epochs=2, batch_size=16, verbose=0, shuffle=True)
    np.testing.assert_allclose(child["after"], model.predict(x), rtol=1e-6, atol=1e-6)
    for i, w in enumerate(model.get_weights()):
        np.testing.assert_allclose(child[f"arr_{i}"], w, rtol=1e-6, atol=1e-6)


def test_load_model_restores_architecture_compile_and_optimizer(tmp_path):
    model = _functional()
    xa, xb, y = _data()
    model.fit([xa, xb], y, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert isinstance(loaded, keras.Model) and loaded.name == "two_inputs"
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    assert loaded.get_config() == model.get_config()
    assert type(loaded.optimizer) is keras.optimizers.Adam and loaded.optimizer.iterations == model.optimizer.iterations
    np.testing.assert_allclose(loaded.evaluate([xa, xb], y, verbose=0), model.evaluate([xa, xb], y, verbose=0))
    uncompiled = keras.models.load_model(tmp_path / "m.keras", compile=False)
    with pytest.raises(RuntimeError, match="compile"):
        uncompiled.fit([xa, xb], y, verbose=0)


def test_archive_is_zip_of_json_and_npy_without_pickle(tmp_path):
    model = _functional()
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as zf:
        names = zf.namelist()
        meta = json.loads(zf.read("metadata.json"))
        for n in names:
            if n.endswith(".npy"):
                with zf.open(n) as f:
                    np.lib.format.read_array(f, allow_pickle=False)
    assert meta["format"] == "tinygrad_course.keras"
    assert {"config.json", "weights.json"} <= set(names)


def test_save_weights_load_weights_round_trip(tmp_path):
    model = _sequential()
    model.save_weights(tmp_path / "w.weights.npz")
    tc.manual_seed(99)
    keras.backend.clear_session()
    other = _sequential()
    assert not all(np.array_equal(a, b) for a, b in zip(model.get_weights(), other.get_weights()))
    other.load_weights(tmp_path / "w.weights.npz")
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    # a whole-model file also carries weights
    model.save(tmp_path / "m.keras")
    other.load_weights(tmp_path / "m.keras")


def test_load_weights_into_other_architecture_names_file(tmp_path):
    model = _sequential()
    path = tmp_path / "w.weights.npz"
    model.save_weights(path)
    small = keras.Sequential([L.Dense(2, input_shape=(3,))])
    with pytest.raises(ValueError, match="w.weights.npz.*2 layers|containing"):
        small.load_weights(path)
    wide = keras.Sequential([L.Conv2D(4, 3, input_shape=(6, 6, 1)), L.BatchNormalization(), L.MaxPooling2D(),
                             L.Flatten(), L.Dense(2)])
    before = wide.get_weights()
    with pytest.raises(ValueError, match="w.weights.npz"):
        wide.load_weights(path)
    for a, b in zip(before, wide.get_weights()):  # nothing changed by the failed load
        np.testing.assert_array_equal(a, b)


def _corrupt_variants(tmp_path, good):
    data = good.read_bytes()
    variants = {}
    variants["truncated"] = data[: len(data) // 2]
    variants["empty"] = b""
    variants["garbage"] = b"not a model at all" * 10
    flipped = bytearray(data)
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo(next(n for n in zf.namelist() if n.endswith(".npy")))
    flipped[info.header_offset + 30 + len(info.filename) + info.file_size - 1] ^= 0xFF  # last data byte: CRC fails
    variants["bitflip"] = bytes(flipped)
    paths = {}
    for name, content in variants.items():
        p = tmp_path / f"{name}.keras"
        p.write_bytes(content)
        paths[name] = p
    foreign = tmp_path / "foreign.keras"
    with zipfile.ZipFile(foreign, "w") as zf:
        zf.writestr("hello.txt", "hi")
    paths["foreign"] = foreign
    npz = tmp_path / "other.npz"
    np.savez(npz, weights=np.zeros(3))
    paths["foreign_npz"] = npz
    lying = tmp_path / "lying.keras"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(lying, "w") as dst:
        for n in src.namelist():
            content = src.read(n)
            if n == "weights.json":
                manifest = json.loads(content)
                manifest["layers"][0]["weights"][0]["shape"] = [10 ** 9, 10 ** 3]
                content = json.dumps(manifest)
            dst.writestr(n, content)
    paths["lying"] = lying
    return paths


@pytest.mark.parametrize("variant", ["truncated", "empty", "garbage", "bitflip", "foreign", "foreign_npz", "lying"])
def test_damaged_or_foreign_files_raise_valueerror_naming_the_file(tmp_path, variant):
    model = _sequential()
    good = tmp_path / "good.keras"
    model.save(good)
    path = _corrupt_variants(tmp_path, good)[variant]
    before = model.get_weights()
    for load in (lambda: keras.models.load_model(path), lambda: model.load_weights(path)):
        with pytest.raises(ValueError) as info:
            load()
        assert str(path) in str(info.value)
        assert not isinstance(info.value, (zipfile.BadZipFile, KeyError, TypeError))
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_missing_file_and_weights_only_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        keras.models.load_model(tmp_path / "nope.keras")
    model = _sequential()
    model.save_weights(tmp_path / "w.npz")
    with pytest.raises(ValueError, match="not a whole model"):
        keras.models.load_model(tmp_path / "w.npz")


def test_failed_save_leaves_no_file(tmp_path):
    model = _sequential()
    with pytest.raises(FileNotFoundError):
        model.save(tmp_path / "missing_dir" / "m.keras")
    assert not (tmp_path / "missing_dir").exists()
    model.save(tmp_path / "m.keras")
    with pytest.raises(FileExistsError):
        model.save(tmp_path / "m.keras", overwrite=False)
    assert sorted(os.listdir(tmp_path)) == ["m.keras"]


def test_json_round_trip_and_custom_objects(tmp_path):
    def my_act(x):
        return x * 2

    model = keras.Sequential([L.Dense(3, activation=my_act, input_shape=(2,)), L.Dense(1)])
    clone = keras.models.model_from_json(model.to_json(), custom_objects={"my_act": my_act})
    assert clone.get_config() == model.get_config()
    model.compile(loss="mse", optimizer="sgd")
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="activation"):
        keras.models.load_model(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras", custom_objects={"my_act": my_act})
    x = np.ones((2, 2), np.float32)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


def test_legacy_plain_npz_weights_still_load(tmp_path):
    model = keras.Sequential([L.Dense(3, input_shape=(2,)), L.Dense(1)])
    np.savez(tmp_path / "old.npz", *model.get_weights())  # what earlier versions of save_weights wrote
    other = keras.Sequential([L.Dense(3, input_shape=(2,)), L.Dense(1)])
    other.load_weights(tmp_path / "old.npz")
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
