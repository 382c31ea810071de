import { claimEscrowLock, createEscrowLock, escrowLockRefusal } from '../chain/escrow-payee';
import { escrowFunds } from '../chain/escrow-read';
import type { ChainLink } from '../chain-link';
import type { JobRecord } from '../jobs/job';
import type { EnvironmentSpec } from '../options';
import { JOB_FINISHED, OCEAN_NODE_LIFECYCLE } from './lifecycle';
import { jobCost } from './pricing';
import { Refusal } from './refusal';

/** `payment` of a paid job, in the field order the recorded node shows it. */
export interface JobPayment {
  chainId: number;
  token: string;
  lockTx: string;
  claimTx: string | null;
  cancelTx: string | null;
  /** Token units claimed; 0 until the claim. */
  cost: number;
}

export interface LockTerms {
  /** The job id without its cluster prefix; locked under its sha256, like `jobIdHash`. */
  jobId: string;
  chainId: number;
  token: string;
  payer: string;
  amount: bigint;
  lockSeconds: number;
}

/**
 * Locks the job's price in escrow as the node does before it starts a paid job: refused (400,
 * Ocean Node's words) when the payer's deposit or authorization of this node cannot cover it.
 */
export async function lockJobPayment(chain: ChainLink, nodeAddress: string, terms: LockTerms): Promise<JobPayment> {
  const expiry = BigInt(terms.lockSeconds);
  // Checked and created in one turn of the node's transactions, so two starts cannot both spend the same funds.
  const outcome = await chain.send('creating the escrow lock', async (node) => {
    const funds = await escrowFunds(chain.provider, chain.escrowAddress, terms.payer, terms.token, nodeAddress);
    const refusal = escrowLockRefusal(funds, terms.amount, expiry);
    if (refusal) return { refusal };
    return { lock: await createEscrowLock(node, chain.escrowAddress, { jobId: terms.jobId, token: terms.token, payer: terms.payer, amount: terms.amount, expiry }) };
  });
  if (!outcome.lock) throw new Refusal(400, outcome.refusal);
  return { chainId: terms.chainId, token: terms.token, lockTx: outcome.lock.txHash, claimTx: null, cancelTx: null, cost: 0 };
}

/**
 * After the job, claims what it cost (the run time, raised to the environment's minimum, at most
 * the locked amount); a job that finished then moves from 71 "Job settling" to 70 "Job finished".
 * A failed claim leaves the job settling, as on the node.
 */
export function claimWhenDone(chain: ChainLink, job: JobRecord, spec: EnvironmentSpec, payment: JobPayment, locked: bigint): void {
  const settle = job.done.then(async () => {
    const ranSeconds = job.algoStartedAt && job.algoStoppedAt ? (job.algoStoppedAt - job.algoStartedAt) / 1000 : 0;
    const cost = jobCost(spec, job.resources, ranSeconds);
    const amount = cost.wei < locked ? cost.wei : locked;
    const claimTx = await chain.send('claiming the escrow lock', (node) =>
      claimEscrowLock(node, chain.escrowAddress, { jobId: job.id, token: payment.token, payer: job.owner, amount, proof: JSON.stringify({ jobId: job.id, status: job.status }) }),
    );
    payment.claimTx = claimTx;
    payment.cost = amount === cost.wei ? cost.tokens : Number(amount) / 1e18;
    if (job.status === OCEAN_NODE_LIFECYCLE.finished.status) job.settle(JOB_FINISHED);
  });
  chain.background(settle);
}
