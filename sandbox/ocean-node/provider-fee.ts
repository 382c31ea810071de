import type { Signer } from 'ethers';
import { signProviderFee, type ProviderFee } from '../chain/provider-fee';
import { encodeProviderData } from '../payments/provider-data';

export interface NodeFeeTerms {
  nodeAddress: string;
  datatoken: string;
  serviceId: string;
  token: string;
  /** service.timeout: Ocean Node signs this duration as `validUntil` (quirk, protocol doc 5.2). */
  timeout: number;
}

/** The fee Ocean Node puts in initialize items: `{"dt","id"}` as providerData, amount 0 (no fee strategy configured). */
export function nodeProviderFee(node: Signer, terms: NodeFeeTerms): Promise<ProviderFee> {
  return signProviderFee(node, {
    providerData: encodeProviderData({ dt: terms.datatoken, id: terms.serviceId }),
    providerFeeAddress: terms.nodeAddress,
    providerFeeToken: terms.token,
    providerFeeAmount: 0n,
    validUntil: BigInt(terms.timeout),
  });
}
