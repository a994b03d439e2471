/**
 * `wepadim tls init --host NAME [--host IP ...]`: a private CA plus a coordinator certificate, so that
 * workers on other machines verify the coordinator (`--tls-ca ca.pem`) and the token travels encrypted.
 */
import type { Argv, CommandModule } from 'yargs';
import { resolve } from 'node:path';

interface TlsInitArgs {
  host: string[];
  out: string;
  days: number;
  force: boolean;
  json: boolean;
}

const init: CommandModule<object, TlsInitArgs> = {
  command: 'init',
  describe: 'Write a CA (ca.pem, ca.key) and a coordinator certificate (server.pem, server.key) for the given hosts',
  builder: (y: Argv) =>
    y
      .option('host', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'DNS name or IP address workers use to reach the coordinator (repeat for several)',
      })
      .option('out', { type: 'string', default: '.wepadim/tls', describe: 'folder to write the four files to' })
      .option('days', { type: 'number', default: 825, describe: 'validity of both certificates' })
      .option('force', { type: 'boolean', default: false, describe: 'replace existing files' })
      .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' })
      .example(
        '$0 tls init --host head01 --host 10.0.0.5 --out ~/wepadim-tls',
        'CA + certificate for head01 and 10.0.0.5',
      ),
  handler: async (a) => {
    const { initTls } = await import('../../coordinator/auth/pki.js');
    const r = initTls({ dir: resolve(a.out), hosts: a.host.map(String), days: a.days, force: a.force });
    if (a.json) {
      process.stdout.write(JSON.stringify(r) + '\n');
      return;
    }
    process.stdout.write(
      [
        `CA:          ${r.ca}  (copy to the worker machines; --tls-ca)`,
        `CA key:      ${r.caKey}  (keep private; signs more certificates)`,
        `certificate: ${r.cert}  (coordinator --tls-cert; valid for ${r.hosts.join(', ')} until ${r.notAfter})`,
        `key:         ${r.key}  (coordinator --tls-key)`,
        '',
        `wepadim coordinator --listen 0.0.0.0:7070 --tls-cert ${r.cert} --tls-key ${r.key} --token-file TOKEN ...`,
        `wepadim worker --coordinator ${r.hosts[0].includes(':') ? `[${r.hosts[0]}]` : r.hosts[0]}:7070 --tls-ca ${r.ca} --token-file TOKEN ...`,
        '',
      ].join('\n'),
    );
  },
};

export const command: CommandModule = {
  command: 'tls <action>',
  describe: 'TLS material for the coordinator (actions: init)',
  builder: (y) =>
    y.command(init as unknown as CommandModule).demandCommand(1, 'Give an action: wepadim tls init --help'),
  handler: () => undefined,
};
