#!/usr/bin/python3
"""Runs ckptsim and the SimPy peer (chain_simpy.py) on bench/scenarios/chain.yaml for the same
number of days, checks that they agree exactly (counts, and per checkpoint id, status and
trigger time in us), and times both side by side.

    bench/peer/compare.py --ckptsim build/cli/ckptsim [--days 30] [--repeat 5]

Two timings, each the median of --repeat process runs, the two programs alternating:
- same work: each simulates the run and prints a summary
  (ckptsim `run`, its table; the peer `--counts-only`, its counts). This is the ratio the
  benchmark target is about.
- with outputs: ckptsim `run --out DIR` (summary.json with the whole history, history.csv,
  timeline.svg: 130 MB for 30 days) against the peer printing one line per checkpoint.
The agreement check uses the runs with outputs.
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIO = os.path.join(HERE, '..', 'scenarios', 'chain.yaml')


def ms_to_us(text):
    whole, _, frac = text.partition('.')
    return int(whole) * 1000 + int((frac + '000')[:3])


def timed(cmd, **kw):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, check=True, **kw)
    return time.perf_counter() - t0, p


def ckptsim_cmd(binary, days, out=None):
    cmd = [binary, 'run', SCENARIO, '--set', f'duration={days}d']
    return cmd + ['--out', out] if out else cmd


def simpy_cmd(days, counts_only=False):
    cmd = [sys.executable, os.path.join(HERE, 'chain_simpy.py'), '--days', str(days)]
    return cmd + ['--counts-only'] if counts_only else cmd


def read_ckptsim(out):
    with open(os.path.join(out, 'history.csv'), newline='') as f:
        rows = [(int(r['id']), r['status'], ms_to_us(r['trigger_timestamp'])) for r in csv.DictReader(f)]
    with open(os.path.join(out, 'summary.json')) as f:
        s = json.load(f)
    counts = dict(total=s['counts']['total'], completed=s['counts']['completed'],
                  failed=s['counts']['failed'], expired=s['metrics']['expired'],
                  in_progress=s['counts']['in_progress'], failovers=s['metrics']['failovers'])
    return rows, counts


def read_simpy(stdout):
    lines = stdout.splitlines()
    rows = []
    for line in lines[1:-1]:
        i, st, t = line.split(',')
        rows.append((int(i), st, int(t)))
    counts = dict(kv.split('=') for kv in lines[-1][2:].split())
    return rows, {k: int(v) for k, v in counts.items()}


def show(walls):
    return f'median {statistics.median(walls):.3f} s  [{", ".join(f"{w:.3f}" for w in walls)}]'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckptsim', default=os.path.join(HERE, '..', '..', 'build', 'cli', 'ckptsim'))
    ap.add_argument('--days', type=int, default=30)
    ap.add_argument('--repeat', type=int, default=5)
    args = ap.parse_args()
    same_c, same_s, out_c, out_s = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            w, _ = timed(ckptsim_cmd(args.ckptsim, args.days), stdout=subprocess.DEVNULL)
            same_c.append(w)
            w, _ = timed(simpy_cmd(args.days, counts_only=True), stdout=subprocess.DEVNULL)
            same_s.append(w)
            w, _ = timed(ckptsim_cmd(args.ckptsim, args.days, tmp), stdout=subprocess.DEVNULL)
            out_c.append(w)
            w, p = timed(simpy_cmd(args.days), capture_output=True, text=True)
            out_s.append(w)
        rows_c, counts_c = read_ckptsim(tmp)
        rows_s, counts_s = read_simpy(p.stdout)
    ok = True
    if counts_c != counts_s:
        ok = False
        print(f'counts differ:\n  ckptsim {counts_c}\n  simpy   {counts_s}')
    if rows_c != rows_s:
        ok = False
        for a, b in zip(rows_c, rows_s):
            if a != b:
                print(f'first differing checkpoint: ckptsim {a}, simpy {b}')
                break
        else:
            print(f'history lengths differ: {len(rows_c)} vs {len(rows_s)}')
    print(f'{args.days} days: {counts_c}')
    verdict = 'exact (counts; id, status, trigger time of every checkpoint)' if ok else 'NO'
    print(f'agreement: {verdict}')
    print('same work (simulate the 30 days, print a summary):')
    print(f'  ckptsim run                 {show(same_c)}')
    print(f'  SimPy peer --counts-only    {show(same_s)}')
    print(f'  ratio SimPy / ckptsim: {statistics.median(same_s) / statistics.median(same_c):.1f}x')
    print('with outputs (ckptsim: summary.json, history.csv, timeline.svg; SimPy: one line each):')
    print(f'  ckptsim run --out DIR       {show(out_c)}')
    print(f'  SimPy peer                  {show(out_s)}')
    print(f'  ratio SimPy / ckptsim: {statistics.median(out_s) / statistics.median(out_c):.1f}x')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
