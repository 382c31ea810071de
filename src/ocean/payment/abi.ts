/** The contract calls payments need, as ethers human-readable ABI fragments (@oceanprotocol/contracts 2.x). */
const PROVIDER_FEE = 'tuple(address providerFeeAddress, address providerFeeToken, uint256 providerFeeAmount, uint8 v, bytes32 r, bytes32 s, uint256 validUntil, bytes providerData)';

export const ERC20_ABI = [
  'function balanceOf(address account) view returns (uint256)',
  'function allowance(address owner, address spender) view returns (uint256)',
  'function approve(address spender, uint256 amount) returns (bool)',
  'function decimals() view returns (uint8)',
  'function symbol() view returns (string)',
];

export const DATATOKEN_ABI = [
  ...ERC20_ABI,
  `function startOrder(address consumer, uint256 serviceIndex, ${PROVIDER_FEE} _providerFee, tuple(address consumeMarketFeeAddress, address consumeMarketFeeToken, uint256 consumeMarketFeeAmount) _consumeMarketFee)`,
  `function reuseOrder(bytes32 orderTxId, ${PROVIDER_FEE} _providerFee)`,
];

export const ESCROW_ABI = [
  'function deposit(address token, uint256 amount)',
  'function withdraw(address[] tokens, uint256[] amounts)',
  'function getUserTokens(address user) view returns (address[])',
  'function authorize(address token, address payee, uint256 maxLockedAmount, uint256 maxLockSeconds, uint256 maxLockCounts)',
  'function getUserFunds(address payer, address token) view returns (tuple(uint256 available, uint256 locked))',
  'function getAuthorizations(address token, address payer, address payee) view returns (tuple(address payee, uint256 maxLockedAmount, uint256 currentLockedAmount, uint256 maxLockSeconds, uint256 maxLockCounts, uint256 currentLocks)[])',
];
