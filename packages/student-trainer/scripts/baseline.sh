#!/bin/sh
# CTC-only baselines of issue 6 on the synthetic corpus (small preset): teacher-m and student-s trained side by
# side (one core each; the configs use the recipe of the main job's speech teacher: 1000-frame batches, lr 5e-4
# after 100 warm-up steps, linear decay over the last part, EMA 0.995, no SpecAugment or dropout), then dev/test
# WER of the exported EMA models, of float16/int8 copies of student-s and of each run's best checkpoint. Run from
# the repository root after `npm run build` (about 2 hours on 2 cores; a killed run continues with the same train
# command plus --resume):
#   sh packages/student-trainer/scripts/baseline.sh
set -eu
CLI="node packages/student-trainer/dist/cli.js"
DATA=data/synth-small/SynthLibri
[ -f "$DATA/test.jsonl" ] || npx speechkd-synth --preset small --out data/synth-small --seed 1
mkdir -p runs
for m in teacher-m student-s; do
  nice -n 5 $CLI train --config packages/student-trainer/configs/baseline-$m.json --no-progress \
    > runs/baseline-$m.out 2> runs/baseline-$m.log &
done
wait
# Dev and test WER of the final (EMA) models on all utterances, through the inference bundle
# (WAV -> fbank -> CMVN -> model -> greedy), plus float16/int8 copies of student-s on test.
S=runs/baseline-student-s/final
$CLI quantize --model $S --precision float16 --out $S-float16
$CLI quantize --model $S --precision int8 --out $S-int8
for split in dev test; do
  $CLI eval --model runs/baseline-teacher-m/final --manifest $DATA/$split.jsonl > runs/eval-teacher-m-$split.json &
  $CLI eval --model $S --manifest $DATA/$split.jsonl > runs/eval-student-s-$split.json
  wait
done
$CLI eval --model $S-float16 --manifest $DATA/test.jsonl > runs/eval-student-s-float16-test.json &
$CLI eval --model $S-int8 --manifest $DATA/test.jsonl > runs/eval-student-s-int8-test.json
wait
# The checkpoint each run kept as best by dev CER on its 40 evaluation utterances (the EMA weights of that step).
for m in teacher-m student-s; do
  for split in dev test; do
    $CLI eval --model runs/baseline-$m/best --manifest $DATA/$split.jsonl > runs/eval-$m-best-$split.json &
  done
  wait
done
cat runs/eval-*.json
