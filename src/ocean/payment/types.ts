/** The provider fee a server signs in initializeCompute; passed to startOrder/reuseOrder as it is. */
export interface ProviderFee {
  providerFeeAddress: string;
  providerFeeToken: string;
  providerFeeAmount: string;
  providerData: string;
  v: number;
  r: string;
  s: string;
  validUntil: number;
}

/** One asset's line of an initializeCompute answer. */
export interface InitializeItem {
  /** A still-valid order to reuse ("false" on Ocean Node when there is none). */
  validOrder?: string;
  datatoken?: string;
  providerFee?: ProviderFee;
}

/** Ocean Node's escrow quote for a paid job. */
export interface EscrowQuote {
  escrowAddress: string;
  payee: string;
  chainId: number;
  token: string;
  /** Wei, as a decimal string. */
  amount: string;
  minLockSeconds: number;
}

export interface InitializeAnswer {
  datasets: InitializeItem[];
  algorithm?: InitializeItem;
  payment?: EscrowQuote;
}

/** How far a wallet may go on its own for Ocean Node escrow payments. */
export interface EscrowLimits {
  /** Most tokens (wei) one job may deposit into the escrow; default: exactly what the job is missing. */
  maxDeposit?: bigint;
  /** Authorise this many jobs' worth of locks at once, so later jobs need no new authorisation (default 1: what the job needs). */
  authorizeJobs?: number;
  /**
   * The Escrow contract to pay into. Default: Ocean's deployment for the chain
   * (@oceanprotocol/contracts); a development chain must name its own.
   */
  escrowAddress?: string;
  /** Seconds past the job's duration the wallet lets a lock last, for the node's claim (default 3600, Ocean Node's). */
  claimSeconds?: number;
}

export interface PaymentOptions {
  /** Longest wait for one transaction to be mined (default 60 s). */
  receiptTimeoutMs?: number;
  escrow?: EscrowLimits;
}

/** An order the wallet paid for: kept on errors, so a retry can reuse it instead of paying twice. */
export interface PaidOrder {
  field: string;
  did: string;
  serviceId: string;
  transferTxId: string;
}
