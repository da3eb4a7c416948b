#!/usr/bin/python3
"""A SimPy model of bench/scenarios/chain.yaml, written independently of ckptsim.

source -> agg at parallelism 1 (agg holds 500 MB of full state, the source none), network
latency 1 ms, storage 100 MB/s with 50 ms request latency (a fluid upload: a bandwidth change
re-times the one in flight), interval 10 s fixed-rate, timeout 25 s, min_pause 0,
max_concurrent 1, tolerable 3 failed checkpoints, fixed-delay restart of 10 s, recovery =
download of the restored state at 1 GB/s + 5 s deploy, fresh initial delay of 2 s at every
(re)start. Every day from 6h to 6h30 the storage drops to 15 MB/s.

Rules (ckptsim's docs/model-and-limits.md, after Flink's CheckpointCoordinator / CheckpointRequestDecider /
CheckpointFailureManager): each tick re-arms the next at previous scheduled time + interval,
then queues one periodic request; the queue is examined after every tick, completion and
abort; with max_concurrent 1 the head waits while a checkpoint is pending; a request while the
tasks are not all RUNNING fails without an id; an expiry counts once per id, newer than the
last success; more than `tolerable` counted failures fail the job over at that instant
(queued requests dropped); time is integer microseconds and a completion time from bytes and
a rate is rounded up.

Prints one line per checkpoint (id, status, trigger time in us) and then the counts:
    id,status,trigger_us
    1,COMPLETED,2000000
    ...
    # total=... completed=... failed=... expired=... in_progress=... failovers=...
"""
import argparse
import math
import sys

import simpy

US = 1
MS = 1000 * US
S = 1000 * MS
MIN = 60 * S
H = 60 * MIN
DAY = 24 * H
MB = 1e6

STATE = 500 * MB
NETWORK_LATENCY = 1 * MS
STORAGE_BANDWIDTH = 100 * MB
STORAGE_LATENCY = 50 * MS
SLOW_BANDWIDTH = 15 * MB
INTERVAL = 10 * S
TIMEOUT = 25 * S
TOLERABLE = 3
INITIAL_DELAY = 2 * S
RESTART_DELAY = 10 * S
DOWNLOAD_BANDWIDTH = 1000 * MB
DEPLOY = 5 * S


def ceil_us(x):
    """Whole microseconds for x us of work, rounded up; the slack absorbs floating error on a
    result that is mathematically an integer (e.g. 4999999.999999999 for 5 s)."""
    if not x > 0:
        return 0
    return math.ceil(x - max(1e-9, x * 1e-12))


class Storage:
    """Aggregate bandwidth shared by the uploads in flight (here at most one at a time)."""

    def __init__(self, env):
        self.env = env
        self.bandwidth = STORAGE_BANDWIDTH
        self.transferring = set()  # upload processes in their transfer phase

    def set_bandwidth(self, bw):
        self.bandwidth = bw
        for p in list(self.transferring):
            p.interrupt('bandwidth')

    def upload(self, nbytes):
        """Process: request latency, then the bytes at the current bandwidth; a bandwidth change
        re-times the rest. Interrupt('abort') stops it."""
        env = self.env
        try:
            yield env.timeout(STORAGE_LATENCY)
        except simpy.Interrupt:
            return False
        me = env.active_process
        self.transferring.add(me)
        done = 0.0
        try:
            while True:
                rate = self.bandwidth
                start = env.now
                try:
                    yield env.timeout(ceil_us((nbytes - done) / rate * 1e6))
                    return True
                except simpy.Interrupt as i:
                    if i.cause == 'abort':
                        return False
                    done += rate * (env.now - start) / 1e6
        finally:
            self.transferring.discard(me)


class Job:
    def __init__(self, env):
        self.env = env
        self.storage = Storage(env)
        self.history = []          # [id, status, trigger_us]
        self.next_id = 1
        self.queued = 0            # periodic requests waiting (all alike: a count)
        self.pending = None        # the pending checkpoint's process (max_concurrent 1)
        self.tasks_running = True
        self.restarting = False
        self.failed_count = 0      # the failure manager's counter
        self.last_success_id = 0
        self.restored_state = 0    # state of the latest completed checkpoint (0: none)
        self.failovers = 0
        self.expired = 0
        self.scheduler = None

    def start(self):
        self.scheduler = self.env.process(self.periodic_trigger())

    # --- periodic trigger (fixed rate) and the request queue ---------------------------
    def periodic_trigger(self):
        env = self.env
        try:
            scheduled = env.now + INITIAL_DELAY
            yield env.timeout(INITIAL_DELAY)
            while True:
                scheduled += INTERVAL
                self.queued += 1
                self.examine_queue()
                yield env.timeout(max(0, scheduled - env.now))
        except simpy.Interrupt:
            pass  # the scheduler stops at a failover

    def examine_queue(self):
        while self.queued and self.pending is None and not self.restarting:
            self.queued -= 1
            if not self.tasks_running:
                continue  # NOT_ALL_REQUIRED_TASKS_RUNNING: no id
            cid = self.next_id
            self.next_id += 1
            record = [cid, 'IN_PROGRESS', self.env.now]
            self.history.append(record)
            self.pending = self.env.process(self.checkpoint(record))

    # --- one checkpoint -----------------------------------------------------------------
    def checkpoint(self, record):
        env = self.env
        deadline = env.timeout(TIMEOUT)  # the canceller, armed at creation
        # The source has no state and acknowledges at once; its barrier reaches agg after the
        # network latency, and agg snapshots and uploads.
        upload = env.process(self.agg_subtask())
        result = yield upload | deadline
        self.pending = None
        if upload in result:
            record[1] = 'COMPLETED'
            self.failed_count = 0
            self.last_success_id = record[0]
            self.restored_state = STATE
            self.examine_queue()
        else:
            record[1] = 'FAILED'
            self.expired += 1
            if upload.is_alive:
                upload.interrupt('abort')
            if record[0] > self.last_success_id:
                self.failed_count += 1
                if self.failed_count > TOLERABLE:
                    self.failed_count = 0
                    self.fail_over()
                    return
            self.examine_queue()

    def agg_subtask(self):
        env = self.env
        up = None
        try:
            yield env.timeout(NETWORK_LATENCY)
            up = env.process(self.storage.upload(STATE))
            ok = yield up
            return ok
        except simpy.Interrupt:
            if up is not None and up.is_alive:
                up.interrupt('abort')
            return False

    # --- failover, restart, recovery ----------------------------------------------------
    def fail_over(self):
        self.failovers += 1
        self.restarting = True
        self.tasks_running = False
        self.queued = 0
        if self.scheduler.is_alive:
            self.scheduler.interrupt()
        self.env.process(self.restart())

    def restart(self):
        env = self.env
        yield env.timeout(RESTART_DELAY)
        self.restarting = False
        self.scheduler = env.process(self.periodic_trigger())
        download = ceil_us(self.restored_state / DOWNLOAD_BANDWIDTH * 1e6) if self.restored_state else 0
        yield env.timeout(download + DEPLOY)
        self.tasks_running = True

    # --- scripted storage slowdowns --------------------------------------------------------
    def script(self, days):
        env = self.env
        for d in range(days):
            for at, bw in ((d * DAY + 6 * H, SLOW_BANDWIDTH), (d * DAY + 6 * H + 30 * MIN, STORAGE_BANDWIDTH)):
                yield env.timeout(at - env.now)
                self.storage.set_bandwidth(bw)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--days', type=int, default=30)
    ap.add_argument('--counts-only', action='store_true')
    args = ap.parse_args()
    env = simpy.Environment()
    job = Job(env)
    # The script first, so that at equal times scripted events run before the ticks.
    env.process(job.script(args.days))
    job.start()
    env.run(until=args.days * DAY)

    out = sys.stdout
    if not args.counts_only:
        out.write('id,status,trigger_us\n')
        out.write(''.join(f'{i},{s},{t}\n' for i, s, t in job.history))
    c = {k: sum(1 for r in job.history if r[1] == k) for k in ('COMPLETED', 'FAILED', 'IN_PROGRESS')}
    out.write(f"# total={len(job.history)} completed={c['COMPLETED']} failed={c['FAILED']} "
              f"expired={job.expired} in_progress={c['IN_PROGRESS']} failovers={job.failovers}\n")


if __name__ == '__main__':
    main()
