import { Signature, getAddress, getBytes, hexlify, solidityPackedKeccak256, verifyMessage, type Signer } from 'ethers';

export interface ProviderFeeTerms {
  /** 0x hex of the bytes the Provider/Node puts in, e.g. hex of `{"dt":…,"id":…}`. */
  providerData: string;
  providerFeeAddress: string;
  providerFeeToken: string;
  providerFeeAmount: bigint;
  validUntil: bigint;
}

/** The provider fee as initialize answers carry it and as startOrder/reuseOrder take it. */
export interface ProviderFee {
  providerFeeAddress: string;
  providerFeeToken: string;
  /** Token base units, as a decimal string. */
  providerFeeAmount: string;
  providerData: string;
  v: number;
  r: string;
  s: string;
  validUntil: number;
}

/** Anything carrying the signed fields: a ProviderFee, or a decoded ProviderFee event. */
export interface SignedProviderFeeFields {
  providerFeeAddress: string;
  providerFeeToken: string;
  providerFeeAmount: bigint | string;
  providerData: string;
  v: number | bigint;
  r: string;
  s: string;
  validUntil: bigint | number;
}

/** keccak256(abi.encodePacked(bytes providerData, address, address, uint256, uint256)), as ERC20Template checks it. */
export function providerFeeHash(fee: Omit<SignedProviderFeeFields, 'v' | 'r' | 's'>): string {
  return solidityPackedKeccak256(
    ['bytes', 'address', 'address', 'uint256', 'uint256'],
    [fee.providerData, fee.providerFeeAddress, fee.providerFeeToken, BigInt(fee.providerFeeAmount), BigInt(fee.validUntil)],
  );
}

/** Signs the fee as Provider and Ocean Node do: EIP-191 personal_sign over the 32 hash bytes. */
export async function signProviderFee(providerWallet: Signer, fee: ProviderFeeTerms): Promise<ProviderFee> {
  const validUntil = Number(fee.validUntil);
  if (!Number.isSafeInteger(validUntil) || validUntil < 0) throw new Error(`validUntil ${fee.validUntil} is not a usable unix time or duration`);
  const providerData = hexlify(fee.providerData);
  const signature = Signature.from(await providerWallet.signMessage(getBytes(providerFeeHash({ ...fee, providerData }))));
  return {
    providerFeeAddress: getAddress(fee.providerFeeAddress),
    providerFeeToken: getAddress(fee.providerFeeToken),
    providerFeeAmount: fee.providerFeeAmount.toString(),
    providerData,
    v: signature.v,
    r: signature.r,
    s: signature.s,
    validUntil,
  };
}

/** The address that signed a provider fee (compare it with the Provider's own address). */
export function providerFeeSigner(fee: SignedProviderFeeFields): string {
  const signature = Signature.from({ r: fee.r, s: fee.s, v: Number(fee.v) });
  return verifyMessage(getBytes(providerFeeHash(fee)), signature);
}

/** The providerFee tuple in ABI order, for startOrder and reuseOrder. */
export function providerFeeTuple(fee: ProviderFee): readonly unknown[] {
  return [fee.providerFeeAddress, fee.providerFeeToken, BigInt(fee.providerFeeAmount), fee.v, fee.r, fee.s, BigInt(fee.validUntil), fee.providerData];
}
