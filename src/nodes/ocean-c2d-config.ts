import type { NodeAPI, NodeDef } from 'node-red';
import { OceanClient, OceanError, isOceanError } from '../ocean';
import { CONFIG_NODE_TYPE, type OceanConfigCredentials, type OceanConfigNode } from './lib/config-node';

interface OceanConfigDef extends NodeDef {
  providerUrl: string;
  aquariusUrl: string;
  chainId: string | number;
  rpcUrl: string;
}

export = function register(RED: NodeAPI): void {
  function OceanC2DConfigNode(this: OceanConfigNode, def: OceanConfigDef): void {
    RED.nodes.createNode(this, def);
    let client: OceanClient | undefined;
    let configError: OceanError | undefined;
    try {
      const privateKey = this.credentials?.privateKey;
      client = new OceanClient({
        providerUrl: def.providerUrl,
        aquariusUrl: def.aquariusUrl,
        chainId: def.chainId,
        rpcUrl: def.rpcUrl,
        privateKey: privateKey ? privateKey : undefined,
      });
    } catch (error) {
      configError = isOceanError(error) ? error : new OceanError('INVALID_CONFIG', String(error));
      this.error(RED._('ocean-c2d-config.errors.invalid', { message: configError.message }));
    }

    this.getClient = (): OceanClient => {
      if (configError) throw configError;
      if (!client) throw new OceanError('INVALID_CONFIG', 'the connection is not set up');
      return client;
    };

    this.on('close', (done: () => void) => {
      client?.close();
      done();
    });
  }

  RED.nodes.registerType<OceanConfigNode, OceanConfigDef, object, OceanConfigCredentials>(CONFIG_NODE_TYPE, OceanC2DConfigNode, {
    credentials: { privateKey: { type: 'password' } },
  });

  // Lets the edit dialog show which wallet a deployed connection uses, without sending the key.
  RED.httpAdmin.get(`/${CONFIG_NODE_TYPE}/:id/address`, RED.auth.needsPermission(`${CONFIG_NODE_TYPE}.read`), (req, res) => {
    const node = RED.nodes.getNode(String(req.params.id)) as OceanConfigNode | null;
    try {
      res.json({ address: node ? (node.getClient().address ?? null) : null });
    } catch {
      res.json({ address: null });
    }
  });
};
