#!/usr/bin/env bash
# Times the main job's two student stages of a build against a finished run's earlier stages (RESULTS.md
# "Training on every core", "The main job, before and after"). Copies SOURCE_RUN's settings, synthesis and
# teacher-cache stages into runs/NAME of REPO, runs `speechkd run --name=NAME` with the extra arguments there,
# stops the job once both students are trained (the evaluation is not timed) and prints each student stage's
# seconds, worker count and dev WER from runs/NAME/stages/.
#   apps/speechkd/scripts/student-stage-times.sh REPO SOURCE_RUN NAME [--jobs=2 ...]
set -euo pipefail
repo=$(cd "$1" && pwd); src=$(cd "$2" && pwd); name=$3; shift 3
run="$repo/runs/$name"
rm -rf "$run"; mkdir -p "$run/stages"
node -e 'const fs=require("fs");const c=JSON.parse(fs.readFileSync(process.argv[1]));c.name=process.argv[2];fs.writeFileSync(process.argv[3],JSON.stringify(c,null,2))' \
  "$src/pipeline-config.json" "$name" "$run/pipeline-config.json"
cp "$src/stages/synth.json" "$src/stages/teacher-cache.json" "$run/stages/"
cp -r "$src/teacher-cache" "$run/"
echo "[stage-times] $name: start $(date -u +%T)" >&2
( cd "$repo" && exec node apps/speechkd/dist/cli.js run --name="$name" "$@" ) > "$run.log" 2>&1 &
pid=$!
until [ -f "$run/stages/student-ctc.json" ] && [ -f "$run/stages/student-kd.json" ]; do
  kill -0 "$pid" 2>/dev/null || { echo "[stage-times] the job ended before both students finished; see $run.log" >&2; exit 1; }
  sleep 5
done
kill -TERM "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
echo "[stage-times] $name: students done $(date -u +%T)" >&2
for s in student-ctc student-kd; do
  node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(process.argv[2], process.argv[3], d.seconds.toFixed(1), "s,", d.result.workers, "worker(s), dev WER", d.result.devWer)' \
    "$run/stages/$s.json" "$name" "$s"
done
