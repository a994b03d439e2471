import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSbatch, type SbatchOptions } from '../../worker/supervisor/slurm.js';
import { parseGpuList, superviseWorkers, type SupervisorEvent } from '../../worker/supervisor/supervise.js';

const base: SbatchOptions = {
  jobName: 'sweep1',
  coordinator: 'head01:50051',
  nodes: 3,
  workersPerNode: 8,
  concurrency: 1,
  groupSize: 4,
  time: '12:00:00',
  partition: 'gpu',
  account: null,
  cpusPerGpu: 4,
  memPerGpu: '32G',
  workdir: '/shared/wepadim',
  spoolDir: '/tmp/wepadim-spool-$SLURM_JOB_ID-$SLURM_ARRAY_TASK_ID',
  logDir: '/shared/logs',
  tokenFile: '/home/me/.wepadim-token',
  tls: { ca: '/shared/ca.pem', cert: null, key: null },
  insecure: false,
  idleExit: null,
  setup: ['module load nodejs/20'],
  maxParallel: null,
};

describe('sbatch writer', () => {
  it('writes a job array with one element per node and one worker per GPU', () => {
    const s = renderSbatch(base);
    expect(s).toContain('#SBATCH --array=0-2\n');
    expect(s).toContain('#SBATCH --gres=gpu:8\n');
    expect(s).toContain('#SBATCH --cpus-per-task=32\n');
    expect(s).toContain('--gpus 0,1,2,3,4,5,6,7 ');
    expect(s).toContain('--token-file /home/me/.wepadim-token');
    expect(s).toContain('--tls-ca /shared/ca.pem');
    expect(s).not.toContain('--insecure');
    expect(s).not.toContain('--idle-exit');
    expect(s).not.toMatch(/--token[ =][^f]/);
    expect(renderSbatch({ ...base, idleExit: 30 })).toContain(' --idle-exit 30 ');
    expect(renderSbatch({ ...base, maxParallel: 2 })).toContain('#SBATCH --array=0-2%2\n');
  });
  it('is valid bash', () => {
    const r = spawnSync('bash', ['-n'], { input: renderSbatch({ ...base, workdir: "/odd dir/it's" }) });
    expect(r.status).toBe(0);
  });
  it('names the bad field', () => {
    expect(() => renderSbatch({ ...base, coordinator: 'nohost' })).toThrow(/--coordinator "nohost"/);
    expect(() => renderSbatch({ ...base, workersPerNode: 0 })).toThrow(/--workers-per-node 0/);
    expect(() => renderSbatch({ ...base, time: 'soon' })).toThrow(/--time "soon"/);
    expect(() => renderSbatch({ ...base, idleExit: 0 })).toThrow(/--idle-exit 0/);
  });
  it('never puts a token on the wire in plaintext', () => {
    // no TLS: refused, naming both ways out
    expect(() => renderSbatch({ ...base, tls: null })).toThrow(/--tls-ca CA\.pem.*wepadim tls init.*--insecure/);
    // plaintext with a token file: refused
    expect(() => renderSbatch({ ...base, tls: null, insecure: true })).toThrow(/--insecure with --token-file/);
    expect(() => renderSbatch({ ...base, insecure: true })).toThrow(/not both/);
    expect(() => renderSbatch({ ...base, tls: { ca: '/ca.pem', cert: '/c.pem', key: null } })).toThrow(
      /--tls-cert and --tls-key/,
    );
    // plaintext without a token: allowed, and a token inherited from the submitting shell is dropped
    const s = renderSbatch({ ...base, tls: null, insecure: true, tokenFile: null });
    expect(s).toContain(' --insecure');
    expect(s.indexOf('unset WEPADIM_TOKEN')).toBeGreaterThan(-1);
    expect(s.indexOf('unset WEPADIM_TOKEN')).toBeLessThan(s.indexOf('bin/wepadim.js worker'));
    const env = spawnSync(
      'bash',
      [
        '-c',
        `${s
          .split('\n')
          .filter((l) => l === 'unset WEPADIM_TOKEN')
          .join('\n')}\necho "[\${WEPADIM_TOKEN-unset}]"`,
      ],
      {
        env: { ...process.env, WEPADIM_TOKEN: 'x'.repeat(32) },
        encoding: 'utf8',
      },
    );
    expect(env.stdout.trim()).toBe('[unset]');
    const mtls = renderSbatch({ ...base, tls: { ca: '/ca.pem', cert: '/c.pem', key: '/c.key' } });
    expect(mtls).toContain('--tls-ca /ca.pem --tls-cert /c.pem --tls-key /c.key');
    expect(mtls).not.toContain('unset WEPADIM_TOKEN');
  });
});

describe('GPU supervisor', () => {
  it('parses lists and ranges', () => {
    expect(parseGpuList('0,1,2,3')).toEqual([0, 1, 2, 3]);
    expect(parseGpuList('0-2,5')).toEqual([0, 1, 2, 5]);
    expect(() => parseGpuList('0,0')).toThrow(/twice/);
    expect(() => parseGpuList('a')).toThrow(/not a GPU/);
  });
  it('starts one child per GPU, restarts crashed ones, not drained or misconfigured ones', async () => {
    const events: SupervisorEvent[] = [];
    const ac = new AbortController();
    // GPU 0 exits 0 at once; GPU 1 crashes (exit 3) twice, then exits 0
    let crashes = 0;
    const summary = await superviseWorkers({
      gpus: [0, 1, 2],
      signal: ac.signal,
      commandFor: (gpu) => {
        // GPU 2 exits 2 (bad input, e.g. refused credentials): a restart cannot help
        const code = gpu === 2 ? 2 : gpu === 1 && crashes++ < 2 ? 3 : 0;
        return { file: process.execPath, args: ['-e', `process.exit(${code})`] };
      },
      onEvent: (e) => events.push(e),
    });
    expect(summary.children).toEqual([
      { gpu: 0, lastCode: 0, restarts: 0 },
      { gpu: 1, lastCode: 0, restarts: 2 },
      { gpu: 2, lastCode: 2, restarts: 0 },
    ]);
    expect(events.filter((e) => e.type === 'child-start').length).toBe(5);
  });
  it('sends SIGTERM to children when stopped and does not restart them', async () => {
    const ac = new AbortController();
    const dir = mkdtempSync(join(tmpdir(), 'wepadim-sup-'));
    // stop once every child has its SIGTERM handler installed (it writes a marker file then)
    const poll = setInterval(() => {
      if (readdirSync(dir).length === 3) ac.abort();
    }, 20);
    const summary = await superviseWorkers({
      gpus: [0, 1, 2],
      signal: ac.signal,
      // exits 0 on SIGTERM, like a drained worker; left alone it would exit 3 after 10 minutes
      commandFor: (gpu) => ({
        file: process.execPath,
        args: [
          '-e',
          `process.on('SIGTERM',()=>process.exit(0));require('fs').writeFileSync(${JSON.stringify(join(dir, String(gpu)))},'');setTimeout(()=>process.exit(3),600000)`,
        ],
      }),
    });
    clearInterval(poll);
    rmSync(dir, { recursive: true, force: true });
    expect(summary.children.map((c) => c.lastCode)).toEqual([0, 0, 0]); // every child ended by its SIGTERM
  });
  it('sends the drain order over IPC to children that have a channel, so a signal they also got is not a second one', async () => {
    // like a draining worker that had its own SIGTERM already: a drain order lets it finish (exit 0), a second signal stops it hard (exit 1)
    const child = (marker: string): string => `let sig=0;
      process.on('SIGTERM',()=>{if(++sig>1)process.exit(1);require('fs').writeFileSync(${JSON.stringify(marker)},'')});
      process.on('message',(m)=>{if(m&&m.type==='wepadim-drain')process.exit(0)});process.kill(process.pid,'SIGTERM');setTimeout(()=>{},60000)`;
    const run = async (ipc: boolean): Promise<(number | null)[]> => {
      const ac = new AbortController();
      const dir = mkdtempSync(join(tmpdir(), 'wepadim-sup-'));
      // stop once both children had their own SIGTERM (as from Slurm's scancel or a terminal's Ctrl-C)
      const poll = setInterval(() => readdirSync(dir).length === 2 && ac.abort(), 20);
      const summary = await superviseWorkers({
        gpus: [0, 1],
        signal: ac.signal,
        commandFor: (gpu) => ({ file: process.execPath, args: ['-e', child(join(dir, String(gpu)))], ipc }),
      });
      clearInterval(poll);
      rmSync(dir, { recursive: true, force: true });
      return summary.children.map((c) => c.lastCode);
    };
    expect(await run(true)).toEqual([0, 0]); // drained
    expect(await run(false)).toEqual([1, 1]); // a forwarded SIGTERM is the second signal: hard stop
  });
});
