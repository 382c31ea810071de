/**
 * The sandbox's local chain: anvil with Ocean's contracts, sample assets, and the on-chain reads
 * and writes a Provider / Ocean Node stand-in needs (orders, provider fees, escrow).
 */
export { ANVIL_MNEMONIC, anvilAccount, anvilAccounts, type ChainAccount } from './accounts';
export { DEFAULT_CHAIN_ID, startAnvil, type AnvilChain, type AnvilOptions } from './anvil';
export { bootstrapChain, type BootstrapOptions, type BootstrappedChain, type ChainRoles, type SampleAsset, type SampleAssetsOnChain } from './bootstrap';
export { OCEAN_TOKEN_ADDRESS, deployOcean, type DeployOceanOptions, type OceanContracts, type TokenGrant } from './deploy';
export { tokenBalance } from './erc20';
export { escrowAuthorize, escrowDeposit, type EscrowAuthorizationTerms } from './escrow-payer';
export {
  claimEscrowLock,
  createEscrowLock,
  escrowJobId,
  escrowLockRefusal,
  type EscrowClaimRequest,
  type EscrowLockRequest,
  type EscrowLockResult,
} from './escrow-payee';
export { escrowFunds, type EscrowAuthorization, type EscrowFunds, type EscrowLock } from './escrow-read';
export { reuseOrder, startOrder, type ConsumeMarketFee, type ReuseOrderRequest, type StartOrderRequest } from './orders';
export {
  providerFeeHash,
  providerFeeSigner,
  providerFeeTuple,
  signProviderFee,
  type ProviderFee,
  type ProviderFeeTerms,
  type SignedProviderFeeFields,
} from './provider-fee';
export { ONE_DATATOKEN, mintDatatokens, publishDatatokenAsset, type PublishOptions, type PublishedAsset } from './publish';
export { readOrder, type OrderFacts, type OrderReusedEvent, type OrderStartedEvent, type ProviderFeeEvent } from './read-order';
export { connectWallet, jsonRpcProvider, openProvider } from './rpc';
