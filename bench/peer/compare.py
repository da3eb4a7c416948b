#!/usr/bin/python3
"""Runs ckptsim and the SimPy peer (chain_simpy.py) on bench/scenarios/chain.yaml for the same
number of days, checks that they agree exactly (counts, and per checkpoint id, status and
trigger time in us), and reports both wall times (median of --repeat runs, alternating) and
their ratio.

    bench/peer/compare.py --ckptsim build/cli/ckptsim [--days 30] [--repeat 3]
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


def run_ckptsim(binary, days, out):
    t0 = time.perf_counter()
    subprocess.run([binary, 'run', SCENARIO, '--set', f'duration={days}d', '--out', out],
                   check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    with open(os.path.join(out, 'history.csv'), newline='') as f:
        rows = [(int(r['id']), r['status'], ms_to_us(r['trigger_timestamp'])) for r in csv.DictReader(f)]
    with open(os.path.join(out, 'summary.json')) as f:
        s = json.load(f)
    counts = dict(total=s['counts']['total'], completed=s['counts']['completed'],
                  failed=s['counts']['failed'], expired=s['metrics']['expired'],
                  in_progress=s['counts']['in_progress'], failovers=s['metrics']['failovers'])
    return wall, rows, counts


def run_simpy(days):
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, os.path.join(HERE, 'chain_simpy.py'), '--days', str(days)],
                       check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    lines = p.stdout.splitlines()
    rows = []
    for line in lines[1:-1]:
        i, st, t = line.split(',')
        rows.append((int(i), st, int(t)))
    counts = dict(kv.split('=') for kv in lines[-1][2:].split())
    return wall, rows, {k: int(v) for k, v in counts.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckptsim', default=os.path.join(HERE, '..', '..', 'build', 'cli', 'ckptsim'))
    ap.add_argument('--days', type=int, default=30)
    ap.add_argument('--repeat', type=int, default=3)
    args = ap.parse_args()
    walls_c, walls_s = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            wc, rows_c, counts_c = run_ckptsim(args.ckptsim, args.days, tmp)
            ws, rows_s, counts_s = run_simpy(args.days)
            walls_c.append(wc)
            walls_s.append(ws)
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
    mc, ms = statistics.median(walls_c), statistics.median(walls_s)
    print(f'{args.days} days: {counts_c}')
    verdict = 'exact (counts; id, status, trigger time of every checkpoint)' if ok else 'NO'
    print(f'agreement: {verdict}')
    print(f'ckptsim run --out (process, incl. writing outputs): median {mc:.3f} s  '
          f'[{", ".join(f"{w:.3f}" for w in walls_c)}]')
    print(f'SimPy peer (process):                               median {ms:.3f} s  '
          f'[{", ".join(f"{w:.3f}" for w in walls_s)}]')
    print(f'ratio SimPy / ckptsim: {ms / mc:.1f}x')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
