import assert from 'node:assert/strict';
import { ConsumableCode, assertConsumable, consumableCode, notConsumable, type ConsumableCodeName } from '../../src/ocean/consumable';
import { normalizeDdo, serviceById, type Ddo } from '../../src/ocean/ddo';
import { OceanError } from '../../src/ocean/errors';

const ME = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const OTHER = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const THIRD = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65';
const DID = 'did:op:0f1d3e7b5c0e2a1a6f45b5d2c3a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1';
const NFT = '0xb9a5EC0D4d95d1e4d6F1F0a3e2C7a8B9c0D1e2F3';
const DATATOKEN = '0xa1b2C3d4e5F60718293a4b5C6d7E8f9012345678';

const computeService = {
  id: 'compute-1',
  type: 'compute',
  files: '0x04abcdef',
  datatokenAddress: DATATOKEN,
  serviceEndpoint: 'https://provider.example.com',
  timeout: 3600,
  compute: { allowRawAlgorithm: true, allowNetworkAccess: false, publisherTrustedAlgorithms: [], publisherTrustedAlgorithmPublishers: [] },
};
const accessService = { id: 'access-1', type: 'access', files: '0x04', datatokenAddress: DATATOKEN, serviceEndpoint: 'https://provider.example.com', timeout: 0 };
const metadata = { type: 'dataset', name: 'weather', author: 'someone', license: 'MIT', created: '2024-01-01T00:00:00Z' };

/** A v4 DDO as Aquarius serves it: `nft` at the top level. */
function aquariusDdo(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    '@context': ['https://w3id.org/did/v1'],
    id: DID,
    version: '4.1.0',
    chainId: 8996,
    nftAddress: NFT,
    metadata,
    services: [computeService, accessService],
    nft: { address: NFT, name: 'Data NFT', symbol: 'DN', owner: OTHER, state: 0 },
    datatokens: [{ address: DATATOKEN, name: 'DT', symbol: 'DT1', serviceId: 'compute-1' }],
    event: { tx: '0xabc', block: 12, from: OTHER, contract: NFT, datetime: '2024-01-01T00:00:00' },
    stats: { orders: 1, price: { value: 0 } },
    purgatory: { state: false },
    ...extra,
  };
}

/** The same asset as Ocean Node serves it: `nft` under `indexedMetadata`. */
function oceanNodeDdo(state: number): Record<string, unknown> {
  return {
    '@context': ['https://w3id.org/did/v1'],
    id: DID,
    version: '4.1.0',
    chainId: '8996',
    nftAddress: NFT,
    metadata,
    services: [computeService],
    indexedMetadata: {
      nft: { address: NFT, state, owner: OTHER },
      event: { txid: '0xabc', block: 12 },
      stats: [{ datatokenAddress: DATATOKEN, serviceId: 'compute-1', orders: 0, prices: [] }],
      purgatory: { state: false },
    },
  };
}

/** A v5 DDO: the content wrapped in `credentialSubject`, `did:ope:` id. */
function v5Ddo(state: number, credentials?: unknown): Record<string, unknown> {
  const id = 'did:ope:7e2f0c1a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e';
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    id,
    version: '5.0.0',
    type: ['VerifiableCredential'],
    issuer: OTHER,
    credentialSubject: {
      id,
      chainId: 8996,
      nftAddress: NFT,
      metadata,
      services: [{ ...computeService, id: 'v5-compute' }],
      credentials,
      indexedMetadata: { nft: { state } },
    },
  };
}

function withCredentials(credentials: unknown, extra: Record<string, unknown> = {}): Ddo {
  return normalizeDdo(aquariusDdo({ credentials, ...extra }));
}

describe('DDOs and consumability', function () {
  describe('normalizeDdo', function () {
    it('reads an Aquarius v4 DDO', function () {
      const raw = aquariusDdo();
      const ddo = normalizeDdo(raw);
      assert.equal(ddo.id, DID);
      assert.equal(ddo.chainId, 8996);
      assert.equal(ddo.nftAddress, NFT);
      assert.equal(ddo.nftState, 0);
      assert.deepEqual(ddo.metadata, metadata);
      assert.equal(ddo.raw, raw);
      assert.deepEqual(
        ddo.services.map((s) => [s.id, s.type, s.index, s.datatokenAddress, s.serviceEndpoint, s.timeout]),
        [
          ['compute-1', 'compute', 0, DATATOKEN, 'https://provider.example.com', 3600],
          ['access-1', 'access', 1, DATATOKEN, 'https://provider.example.com', 0],
        ],
      );
      assert.deepEqual(ddo.services[0]!.compute, computeService.compute);
      assert.equal(ddo.services[1]!.compute, undefined);
      assert.equal(ddo.services[0]!.raw, (raw.services as unknown[])[0]);
    });

    it('reads an Ocean Node DDO: the NFT state sits under indexedMetadata', function () {
      const ddo = normalizeDdo(oceanNodeDdo(4));
      assert.equal(ddo.id, DID);
      assert.equal(ddo.chainId, 8996, 'a numeric string is read as a number');
      assert.equal(ddo.nftState, 4);
      assert.deepEqual(
        ddo.services.map((s) => s.id),
        ['compute-1'],
      );
    });

    it('reads a v5 DDO wrapped in credentialSubject', function () {
      const credentials = { allow: [{ type: 'address', values: [ME] }] };
      const ddo = normalizeDdo(v5Ddo(5, credentials));
      assert.match(ddo.id, /^did:ope:7e2f/);
      assert.equal(ddo.chainId, 8996);
      assert.equal(ddo.nftAddress, NFT);
      assert.equal(ddo.nftState, 5);
      assert.deepEqual(ddo.metadata, metadata);
      assert.deepEqual(ddo.credentials, credentials);
      assert.deepEqual(
        ddo.services.map((s) => [s.id, s.type, s.index]),
        [['v5-compute', 'compute', 0]],
      );
    });

    it('takes the id from credentialSubject when the wrapper has none', function () {
      const raw = v5Ddo(0);
      delete raw.id;
      assert.match(normalizeDdo(raw).id, /^did:ope:7e2f/);
    });

    it('reads an Aquarius soft-deleted asset: no id, no metadata, no services', function () {
      const ddo = normalizeDdo({ nft: { state: 2 }, event: { tx: '0x1' }, datatokens: [], stats: {} });
      assert.equal(ddo.id, '');
      assert.equal(ddo.metadata, undefined);
      assert.deepEqual(ddo.services, []);
      assert.equal(ddo.nftState, 2);
    });

    it('reads a "deprecated" stub', function () {
      const ddo = normalizeDdo({ id: DID, version: 'deprecated', chainId: 8996, nftAddress: NFT, indexedMetadata: { nft: { state: 2 } } });
      assert.equal(ddo.nftState, 2);
      assert.equal(ddo.metadata, undefined);
      assert.equal(consumableCode(ddo, ME), 'ASSET_DISABLED');
    });

    it('leaves out what is missing or of the wrong type', function () {
      const ddo = normalizeDdo({ id: DID, metadata: 'x', services: [null, 'x', { type: 'compute', timeout: 'soon' }], nft: 'x' });
      assert.equal(ddo.metadata, undefined);
      assert.equal(ddo.nftState, undefined);
      assert.equal(ddo.chainId, undefined);
      assert.equal(ddo.nftAddress, undefined);
      assert.deepEqual(
        ddo.services.map((s) => [s.id, s.type, s.index, s.timeout]),
        [['', 'compute', 0, undefined]],
      );
    });
  });

  describe('serviceById', function () {
    const ddo = normalizeDdo(aquariusDdo());

    it('finds a service by id', function () {
      const service = serviceById(ddo, 'access-1', 'datasets[0].serviceId');
      assert.equal(service.type, 'access');
      assert.equal(service.index, 1);
    });

    it('names the field and lists the services there are', function () {
      assert.throws(
        () => serviceById(ddo, 'nope', 'datasets[1].serviceId'),
        (error: unknown) =>
          error instanceof OceanError &&
          error.code === 'INVALID_INPUT' &&
          error.message === `datasets[1].serviceId: ${DID} has no service "nope"; its services are "compute-1" (compute), "access-1" (access)` &&
          (error.details as { field: string }).field === 'datasets[1].serviceId',
      );
    });

    it('says "none" for a DDO without services', function () {
      assert.throws(() => serviceById(normalizeDdo({ id: DID }), 'x', 'algorithm.serviceId'), {
        message: `algorithm.serviceId: ${DID} has no service "x"; its services are none`,
      });
    });
  });

  describe('consumableCode (ocean.py is_consumable)', function () {
    it('has ocean.py\'s numbers', function () {
      assert.deepEqual(ConsumableCode, {
        OK: 0,
        ASSET_DISABLED: 1,
        CONNECTIVITY_FAIL: 2,
        CREDENTIAL_NOT_IN_ALLOW_LIST: 3,
        CREDENTIAL_IN_DENY_LIST: 4,
      });
    });

    it('allows NFT states 0 (active) and 5 (unlisted), disables 1 to 4', function () {
      const byState = [0, 1, 2, 3, 4, 5].map((state) => consumableCode(normalizeDdo(aquariusDdo({ nft: { state } })), ME));
      assert.deepEqual(byState, ['OK', 'ASSET_DISABLED', 'ASSET_DISABLED', 'ASSET_DISABLED', 'ASSET_DISABLED', 'OK']);
    });

    it('applies the same states to Ocean Node and v5 DDOs', function () {
      assert.deepEqual(
        [0, 1, 2, 3, 4, 5].map((state) => consumableCode(normalizeDdo(oceanNodeDdo(state)), ME)),
        ['OK', 'ASSET_DISABLED', 'ASSET_DISABLED', 'ASSET_DISABLED', 'ASSET_DISABLED', 'OK'],
      );
      assert.deepEqual(
        [0, 1, 5].map((state) => consumableCode(normalizeDdo(v5Ddo(state)), ME)),
        ['OK', 'ASSET_DISABLED', 'OK'],
      );
    });

    it('a DDO without nft is not disabled (ocean.py quirk); one without metadata is', function () {
      const raw = aquariusDdo();
      delete raw.nft;
      assert.equal(consumableCode(normalizeDdo(raw), ME), 'OK');
      const noMetadata = aquariusDdo();
      delete noMetadata.metadata;
      assert.equal(consumableCode(normalizeDdo(noMetadata), ME), 'ASSET_DISABLED');
    });

    it('the disabled check comes before the credentials', function () {
      const ddo = withCredentials({ allow: [{ type: 'address', values: [ME] }] }, { nft: { state: 3 } });
      assert.equal(consumableCode(ddo, ME), 'ASSET_DISABLED');
    });

    it('no credentials, or empty lists, let everyone in', function () {
      assert.equal(consumableCode(normalizeDdo(aquariusDdo()), ME), 'OK');
      assert.equal(consumableCode(withCredentials({ allow: [], deny: [] }), ME), 'OK');
      assert.equal(consumableCode(withCredentials({ allow: [{ type: 'address', values: [] }] }), ME), 'OK');
      assert.equal(consumableCode(withCredentials('junk'), ME), 'OK');
    });

    it('an allow list refuses everyone not on it (code 3)', function () {
      const ddo = withCredentials({ allow: [{ type: 'address', values: [OTHER, THIRD] }] });
      assert.equal(consumableCode(ddo, ME), 'CREDENTIAL_NOT_IN_ALLOW_LIST');
      assert.equal(consumableCode(ddo, OTHER), 'OK');
      assert.equal(consumableCode(ddo, THIRD), 'OK');
    });

    it('compares addresses case-insensitively, both ways', function () {
      const lowerList = withCredentials({ allow: [{ type: 'address', values: [ME.toLowerCase()] }] });
      assert.equal(consumableCode(lowerList, ME), 'OK');
      const checksumList = withCredentials({ allow: [{ type: 'address', values: [ME] }] });
      assert.equal(consumableCode(checksumList, ME.toLowerCase()), 'OK');
      assert.equal(consumableCode(checksumList, ME.toUpperCase().replace('0X', '0x')), 'OK');
      const deny = withCredentials({ deny: [{ type: 'address', values: [ME.toUpperCase().replace('0X', '0x')] }] });
      assert.equal(consumableCode(deny, ME.toLowerCase()), 'CREDENTIAL_IN_DENY_LIST');
    });

    it('uses only the first "address" entry of a list', function () {
      const ddo = withCredentials({
        allow: [
          { type: 'address', values: [OTHER] },
          { type: 'address', values: [ME] },
        ],
      });
      assert.equal(consumableCode(ddo, ME), 'CREDENTIAL_NOT_IN_ALLOW_LIST');
      assert.equal(consumableCode(ddo, OTHER), 'OK');
      const denyTwice = withCredentials({
        deny: [
          { type: 'address', values: [OTHER] },
          { type: 'address', values: [ME] },
        ],
      });
      assert.equal(consumableCode(denyTwice, ME), 'OK');
      assert.equal(consumableCode(denyTwice, OTHER), 'CREDENTIAL_IN_DENY_LIST');
    });

    it('skips entries of other types to find the first "address" entry', function () {
      const ddo = withCredentials({
        allow: [
          { type: 'accessList', values: ['0x0000000000000000000000000000000000000001'] },
          { type: 'address', values: [ME] },
        ],
      });
      assert.equal(consumableCode(ddo, ME), 'OK');
      assert.equal(consumableCode(ddo, OTHER), 'CREDENTIAL_NOT_IN_ALLOW_LIST');
      const onlyOtherTypes = withCredentials({ allow: [{ type: 'accessList', values: [OTHER] }] });
      assert.equal(consumableCode(onlyOtherTypes, ME), 'OK', 'no address entry: no allow list');
    });

    it('a deny list refuses those on it when there is no allow list (code 4)', function () {
      const ddo = withCredentials({ deny: [{ type: 'address', values: [ME] }] });
      assert.equal(consumableCode(ddo, ME), 'CREDENTIAL_IN_DENY_LIST');
      assert.equal(consumableCode(ddo, OTHER), 'OK');
      const emptyAllow = withCredentials({ allow: [{ type: 'address', values: [] }], deny: [{ type: 'address', values: [ME] }] });
      assert.equal(consumableCode(emptyAllow, ME), 'CREDENTIAL_IN_DENY_LIST');
    });

    it('ignores the deny list when the allow list is not empty', function () {
      const ddo = withCredentials({
        allow: [{ type: 'address', values: [ME] }],
        deny: [{ type: 'address', values: [ME, OTHER] }],
      });
      assert.equal(consumableCode(ddo, ME), 'OK');
      assert.equal(consumableCode(ddo, OTHER), 'CREDENTIAL_NOT_IN_ALLOW_LIST', 'refused by the allow list, not the deny list');
    });

    it('reads the credentials of a v5 DDO', function () {
      const ddo = normalizeDdo(v5Ddo(0, { deny: [{ type: 'address', values: [ME] }] }));
      assert.equal(consumableCode(ddo, ME), 'CREDENTIAL_IN_DENY_LIST');
    });
  });

  describe('address lists with entries that are not text', function () {
    it('skips them and still reads the addresses beside them', function () {
      const ddo = withCredentials({ allow: [{ type: 'address', values: [5, null, { a: 1 }, ME.toLowerCase()] }] });
      assert.equal(consumableCode(ddo, ME), 'OK');
      const denied = withCredentials({ deny: [{ type: 'address', values: [7, ME] }] });
      assert.equal(consumableCode(denied, ME), 'CREDENTIAL_IN_DENY_LIST');
    });
  });

  describe('assertConsumable and notConsumable', function () {
    const ddo = normalizeDdo(aquariusDdo({ credentials: { allow: [{ type: 'address', values: [OTHER] }] } }));
    const [compute, access] = ddo.services as [Ddo['services'][number], Ddo['services'][number]];

    function thrown(fn: () => void): OceanError {
      try {
        fn();
      } catch (error) {
        assert.ok(error instanceof OceanError);
        return error;
      }
      throw new Error('expected a throw');
    }

    it('passes a consumable compute service', function () {
      assert.doesNotThrow(() => assertConsumable(ddo, compute, OTHER, 'datasets[0]', true));
    });

    it('refuses a service that is not compute when compute is wanted, before anything else', function () {
      const error = thrown(() => assertConsumable(ddo, access, ME, 'datasets[0]', true));
      assert.equal(error.code, 'NOT_CONSUMABLE');
      assert.equal(error.message, `datasets[0]: service "access-1" of ${DID} is of type access, not compute`);
      assert.deepEqual(error.details, { field: 'datasets[0]', did: DID, rule: 'SERVICE_NOT_COMPUTE' });
    });

    it('takes an access service when compute is not required (algorithms)', function () {
      assert.doesNotThrow(() => assertConsumable(ddo, access, OTHER, 'algorithm', false));
    });

    it('names the field, the rule and ocean.py\'s code', function () {
      const error = thrown(() => assertConsumable(ddo, compute, ME, 'datasets[1]', true));
      assert.equal(error.code, 'NOT_CONSUMABLE');
      assert.equal(error.message, `datasets[1]: ${DID} cannot be used: the wallet is not on its allow list (ocean.py code 3 CREDENTIAL_NOT_IN_ALLOW_LIST)`);
      assert.deepEqual(error.details, { field: 'datasets[1]', did: DID, consumableCode: 3, rule: 'CREDENTIAL_NOT_IN_ALLOW_LIST' });
    });

    it('has a reason for every code', function () {
      const cases: Array<[Exclude<ConsumableCodeName, 'OK'>, number, RegExp]> = [
        ['ASSET_DISABLED', 1, /the asset is disabled/],
        ['CONNECTIVITY_FAIL', 2, /cannot reach any of its files/],
        ['CREDENTIAL_NOT_IN_ALLOW_LIST', 3, /not on its allow list/],
        ['CREDENTIAL_IN_DENY_LIST', 4, /on its deny list/],
      ];
      for (const [name, code, reason] of cases) {
        const error = notConsumable(ddo, name, 'algorithm');
        assert.equal(error.code, 'NOT_CONSUMABLE');
        assert.match(error.message, reason);
        assert.ok(error.message.endsWith(`(ocean.py code ${code} ${name})`), error.message);
        assert.equal(error.details?.consumableCode, code);
      }
    });

    it('refuses a disabled asset with code 1', function () {
      const disabled = normalizeDdo(aquariusDdo({ nft: { state: 4 } }));
      const error = thrown(() => assertConsumable(disabled, disabled.services[0]!, ME, 'datasets[0]', true));
      assert.equal(error.details?.consumableCode, 1);
      assert.equal(error.details?.rule, 'ASSET_DISABLED');
    });
  });
});
