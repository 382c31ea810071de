import { Wallet } from 'ethers';
import { NODE_CONTAINER } from '../../sandbox';
import { OceanClient } from '../../src/ocean';
import { signRequest } from '../../src/ocean/auth/signing';

export interface BigJob {
  jobId: string;
  resultIndex: number;
  resultSize: number;
}

/** Starts a free job that writes `sizeMiB` of output (big.bin, in outputs.tar) and waits for it to finish. */
export async function prepareBigJob(sandboxUrl: string, privateKey: string, sizeMiB: number): Promise<BigJob> {
  const client = new OceanClient({ providerUrl: sandboxUrl, chainId: 8996, privateKey });
  try {
    const environment = (await client.pickEnvironment({ free: true })).id;
    const rawcode = `const fs = require('fs'); const out = fs.openSync((process.env.OCEAN_C2D_DATA || '/data') + '/outputs/big.bin', 'w'); const chunk = Buffer.alloc(1024 * 1024, 7); for (let i = 0; i < ${sizeMiB}; i++) fs.writeSync(out, chunk); fs.closeSync(out);`;
    const { jobId } = await client.startJob({ environment, free: true, datasets: [], algorithm: { meta: { container: NODE_CONTAINER, rawcode } } });
    let job = await client.getJob(jobId);
    for (let i = 0; i < 900 && !job.done; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      job = await client.getJob(jobId);
    }
    const output = job.results.find((r) => r.kind === 'output');
    if (!job.done || !output?.filesize) throw new Error(`the job did not finish with an output (status ${job.status})`);
    return { jobId, resultIndex: output.index, resultSize: output.filesize };
  } finally {
    client.close();
  }
}

/** An Ocean Node auth token for the wallet, for curl to send. */
export async function authToken(sandboxUrl: string, privateKey: string): Promise<string> {
  const wallet = new Wallet(privateKey);
  const nonce = String(Date.now());
  const signature = await signRequest(wallet, `${wallet.address}${nonce}createAuthToken`);
  const response = await fetch(`${sandboxUrl}/api/services/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ address: wallet.address, validUntil: Date.now() + 3_600_000, nonce, signature }),
  });
  const body = (await response.json()) as { token?: string };
  if (!body.token) throw new Error(`no auth token: HTTP ${response.status}`);
  return body.token;
}
