/** `wepadim doctor`: executors available here, their device and version, threads, and conv/GEMM timings. */
import type { Argv, CommandModule } from 'yargs';

interface DoctorArgs {
  json: boolean;
  threads?: number;
}

export const command: CommandModule<object, DoctorArgs> = {
  command: 'doctor',
  describe:
    'Show the tensor executors available (onnx, onnx-cuda, tfjs-gpu, tfjs-node, tfjs-wasm) with a short conv and GEMM timing',
  builder: (y: Argv) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable JSON output' })
      .option('threads', { type: 'number', describe: 'threads per executor (default min(2, cores))' })
      .example('$0 doctor', 'table of executors with timings')
      .example('$0 doctor --json', 'the same as JSON'),
  handler: async (a) => {
    const { runDoctor } = await import('../../worker/executors/doctor.js');
    const r = await runDoctor({ threads: a.threads });
    if (a.json) {
      process.stdout.write(JSON.stringify(r, null, 1) + '\n');
      return;
    }
    const { renderTable } = await import('../../shared/table.js');
    process.stdout.write(`node ${r.node}  cpu ${r.cpu}  cores ${r.cores}  threads per executor ${r.threads}\n\n`);
    const rows = r.executors.map((e) => ({
      executor: e.executor,
      available: e.available ? 'yes' : 'no',
      version: e.version,
      device: e.device,
      'conv3x3 ms': e.conv_ms,
      'conv GFLOP/s': e.conv_gflops,
      'gemm512 ms': e.gemm_ms,
      'gemm GFLOP/s': e.gemm_gflops,
    }));
    process.stdout.write(renderTable(rows, undefined, 1) + '\n\n');
    for (const e of r.executors.filter((x) => !x.available)) process.stdout.write(`${e.executor}: ${e.note}\n`);
  },
};
