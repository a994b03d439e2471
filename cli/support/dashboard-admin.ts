/** Cancel and drain for a stand-alone dashboard: the coordinator's admin RPCs over gRPC, with its token. */
import { connectCoordinator, promiseClient } from '../../coordinator/server/client.js';
import type { DashboardAdmin } from '../../coordinator/dashboard/routes.js';
import { clientConnectOptions, explainRpcError } from './security-connect.js';
import type { SecurityArgs } from './security-options.js';

export function grpcAdmin(address: string, security: SecurityArgs): { admin: DashboardAdmin; close: () => void } {
  const client = connectCoordinator(clientConnectOptions(address, security));
  const rpc = promiseClient(client);
  const explain = (err: unknown): never => {
    throw explainRpcError(err, address);
  };
  return {
    admin: {
      cancel: async (target) => {
        const r = await rpc.Cancel({ target }, 10_000).catch(explain);
        return { matched: r.matched, cancelled: Number(r.cancelled), interrupted: Number(r.interrupted) };
      },
      drain: async (workerId) => {
        const r = await rpc.Drain({ worker_id: workerId }, 10_000).catch(explain);
        return { found: r.found, state: r.state, leased_trials: Number(r.leased_trials) };
      },
    },
    close: () => client.close(),
  };
}
