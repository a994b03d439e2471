#!/usr/bin/python3
"""Baseline for bench/dispatch.ts: zero-work trials dispatched through Optuna's RDB storage on SQLite
(Debian python3-optuna, GridSampler), with N processes asking and telling concurrently.

Prints one JSON line: {"trials": done, "seconds": wall, "trials_per_s": ..., "ask_p50_ms": ..., "ask_p99_ms": ...}.
Run: /usr/bin/python3 bench/optuna_dispatch.py --trials 2000 --procs 64 --db /tmp/optuna.db
"""
import argparse
import json
import multiprocessing as mp
import os
import time
import warnings

import optuna

warnings.filterwarnings("ignore")
optuna.logging.set_verbosity(optuna.logging.ERROR)


def storage_for(db):
    return optuna.storages.RDBStorage(
        url=f"sqlite:///{db}",
        engine_kwargs={"connect_args": {"timeout": 120}},
    )


def grid(n):
    return {"x": list(range(n))}


def worker(db, n, ready, go, out):
    study = optuna.load_study(study_name="bench", storage=storage_for(db), sampler=optuna.samplers.GridSampler(grid(n)))
    ready.put(1)
    go.wait()
    lat = []
    done = 0
    while True:
        t0 = time.perf_counter()
        trial = study.ask()
        x = trial.suggest_categorical("x", grid(n)["x"])
        lat.append((time.perf_counter() - t0) * 1000)
        if trial.number >= n:
            # the grid is handed out: give this extra trial back and stop
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
            break
        # zero work; one intermediate value stands for the progress/metrics message
        trial.report(float(x), step=0)
        study.tell(trial, 0.0)
        done += 1
    out.put((done, lat))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=2000)
    ap.add_argument("--procs", type=int, default=64)
    ap.add_argument("--db", default="/tmp/wepadim-optuna-bench.db")
    a = ap.parse_args()
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(a.db + suffix):
            os.remove(a.db + suffix)
    optuna.create_study(study_name="bench", storage=storage_for(a.db), sampler=optuna.samplers.GridSampler(grid(a.trials)))
    out, ready, go = mp.Queue(), mp.Queue(), mp.Event()
    procs = [mp.Process(target=worker, args=(a.db, a.trials, ready, go, out)) for _ in range(a.procs)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get()
    t0 = time.time()
    go.set()
    results = [out.get() for _ in procs]
    wall = time.time() - t0
    for p in procs:
        p.join()
    lat = sorted(x for _, l in results for x in l)
    study = optuna.load_study(study_name="bench", storage=storage_for(a.db))
    complete = len(study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,)))
    pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else float("nan")
    print(json.dumps({
        "system": "optuna-%s sqlite grid" % optuna.__version__,
        "procs": a.procs,
        "trials": complete,
        "seconds": wall,
        "trials_per_s": complete / wall,
        "ask_p50_ms": pct(0.5),
        "ask_p99_ms": pct(0.99),
    }))


if __name__ == "__main__":
    main()
