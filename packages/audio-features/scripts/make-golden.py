#!/usr/bin/python3
"""Golden values for @speechkd/audio-features tests, from Debian's python3-torchaudio and flac.

Run from the repository root:  /usr/bin/python3 packages/audio-features/scripts/make-golden.py
Writes packages/audio-features/test/golden/{fbank,flac-pcm}.json. Audio comes from the committed
LibriSpeech fixtures (datasets/fixtures/librispeech-sample, CC BY 4.0).
"""
import hashlib
import json
import os
import re
import subprocess
import wave

import torch
import torchaudio.compliance.kaldi as kaldi

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")
SAMPLE = os.path.join(ROOT, "datasets", "fixtures", "librispeech-sample", "LibriSpeech")
OUT = os.path.join(os.path.dirname(__file__), "..", "test", "golden")


def audio_path(rel):
    subset, name = rel.split("/")
    spk, chap = name.split("-")[:2]
    return os.path.join(SAMPLE, subset, spk, chap, name)


def pcm16(rel):
    """Little-endian int16 bytes of a 16-bit mono fixture (FLAC decoded by the reference `flac`)."""
    path = audio_path(rel)
    if path.endswith(".flac"):
        return subprocess.run(
            ["flac", "-d", "-c", "-s", "--force-raw-format", "--endian=little", "--sign=signed", path],
            check=True, capture_output=True).stdout
    with wave.open(path) as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1
        return w.readframes(w.getnframes())


def waveform(rel):
    ints = torch.frombuffer(bytearray(pcm16(rel)), dtype=torch.int16)
    return ints.to(torch.float32)  # int16-scaled, as Kaldi and the JS callers use


def snake(name):
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def fbank(x, options):
    kw = {snake(k): v for k, v in options.items()}
    return kaldi.fbank(x.unsqueeze(0), **kw)


def rounded(t):
    return [round(float(v), 4) for v in t.flatten().tolist()]


A = "test-other/1688-142285-0000.flac"
B = "test-clean/1089-134686-0001.wav"
C = "dev-clean/2412-153948-0000.flac"

# (name, file, first sample, number of samples, options)
CASES = [
    ("defaults", A, 16000, 6400, {}),
    ("80 bins", B, 8000, 6400, {"numMelBins": 80}),
    ("hamming snipEdges=false energy", C, 32000, 4800,
     {"numMelBins": 40, "windowType": "hamming", "snipEdges": False, "useEnergy": True, "rawEnergy": False}),
    ("hanning no power-of-two magnitude subtractMean", A, 48000, 4800,
     {"numMelBins": 30, "windowType": "hanning", "roundToPowerOfTwo": False, "usePower": False, "subtractMean": True}),
    ("rectangular linear htk energy", B, 20000, 4000,
     {"numMelBins": 24, "windowType": "rectangular", "useLogFbank": False, "preemphasisCoefficient": 0.0,
      "removeDcOffset": False, "lowFreq": 64.0, "highFreq": -400.0, "useEnergy": True, "htkCompat": True,
      "energyFloor": 0.0}),
    ("blackman 20ms/12.5ms", C, 16000, 6400,
     {"numMelBins": 64, "windowType": "blackman", "blackmanCoeff": 0.4, "frameLength": 20.0, "frameShift": 12.5,
      "highFreq": 7000.0, "energyFloor": 2.0, "useEnergy": True}),
    ("vtln 0.9", A, 80000, 4000, {"numMelBins": 40, "vtlnWarp": 0.9}),
    ("vtln 1.1 8kHz", B, 4000, 4000,
     {"numMelBins": 23, "vtlnWarp": 1.1, "sampleFrequency": 8000.0, "vtlnLow": 200.0, "vtlnHigh": -300.0}),
    ("shift > length snipEdges=false", C, 0, 4000,
     {"numMelBins": 20, "frameLength": 10.0, "frameShift": 25.0, "snipEdges": False}),
    ("preemphasis 0.5 no dc", A, 0, 3200, {"numMelBins": 80, "preemphasisCoefficient": 0.5, "removeDcOffset": False,
                                           "lowFreq": 0.0, "highFreq": 8000.0}),
]

# Whole utterances, every FULL_STRIDE-th frame plus column sums: checks long-input indexing.
FULL = [(A, {"numMelBins": 80}, "float32"), (B, {"numMelBins": 80, "snipEdges": False}, "float32"),
        (A, {"numMelBins": 80}, "float64")]
FULL_STRIDE = 97


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    cases = []
    for name, rel, start, length, options in CASES:
        x = waveform(rel)[start:start + length]
        y = fbank(x, options)
        cases.append({"name": name, "file": rel, "start": start, "length": length, "options": options,
                      "numFrames": y.shape[0], "numBins": y.shape[1], "data": rounded(y)})
    full = []
    for rel, options, dtype in FULL:
        x = waveform(rel)
        y = fbank(x.double() if dtype == "float64" else x, options)
        rows = {str(i): rounded(y[i]) for i in range(0, y.shape[0], FULL_STRIDE)}
        entry = {"file": rel, "options": options, "dtype": dtype, "numFrames": y.shape[0], "numBins": y.shape[1],
                 "rows": rows, "columnMeans": rounded(y.double().mean(0))}
        if dtype == "float64":
            # torchaudio's own float32 rounding on low-energy bins, for reference (see README)
            entry["float32MaxAbsDiff"] = float((fbank(x, options).double() - y).abs().max())
        full.append(entry)
    meta = {"generator": "packages/audio-features/scripts/make-golden.py", "torch": torch.__version__}
    write("fbank.json", {**meta, "cases": cases, "full": full})

    flac = {}
    for subset in sorted(os.listdir(SAMPLE)):
        for dirpath, _, files in os.walk(os.path.join(SAMPLE, subset)):
            for f in sorted(files):
                if f.endswith(".flac"):
                    pcm = pcm16(f"{subset}/{f}")
                    flac[f"{subset}/{f}"] = {"numSamples": len(pcm) // 2, "sha256": hashlib.sha256(pcm).hexdigest()}
    make_extensible()
    write("flac-pcm.json", {"generator": meta["generator"], "decoder": "flac -d (reference libFLAC)",
                            "files": flac})


# WAVE_FORMAT_EXTENSIBLE files from sox (3-channel 24-bit PCM, stereo 32-bit float) and sox's own
# mono downmix (remix -, channel average) as the expected decode.
EXTENSIBLE = [("ext-pcm24-3ch.wav", ["-b", "24", "-c", "3", "-r", "16000"]),
              ("ext-float32-2ch.wav", ["-e", "floating-point", "-b", "32", "-c", "2", "-r", "8000"])]


def make_extensible():
    fixtures = os.path.join(OUT, "..", "fixtures")
    os.makedirs(fixtures, exist_ok=True)
    expected = {}
    for name, fmt in EXTENSIBLE:
        path = os.path.join(fixtures, name)
        subprocess.run(["sox", "-n", *fmt, path, "synth", "0.01", "sine", "440", "sine", "1000", "sine", "3000"],
                       check=True)
        raw = subprocess.run(["sox", path, "-t", "f32", "-c", "1", "-", "remix", "-"], check=True,
                             capture_output=True).stdout
        expected[name] = [float(v) for v in torch.frombuffer(bytearray(raw), dtype=torch.float32).tolist()]
    write("wav-extensible.json", {"generator": "packages/audio-features/scripts/make-golden.py",
                                  "reference": "sox remix - (channel average)", "files": expected})


def write(name, obj):
    path = os.path.join(OUT, name)
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")
    os.replace(tmp, path)
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
