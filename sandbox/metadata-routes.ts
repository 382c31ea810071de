import type { ServerResponse } from 'node:http';
import type { SandboxContext } from './context';
import { expressJson, expressText, flaskJson } from './http/reply';
import type { SandboxRequest } from './http/request';
import type { SandboxDialect } from './options';

/** GET /api/aquarius/assets/ddo/:did: Ocean Node's indexer or the legacy Aquarius, with their error shapes. */
export function getDdo(ctx: SandboxContext, dialect: SandboxDialect, req: SandboxRequest, res: ServerResponse): void {
  const did = req.params.did ?? '';
  const asset = ctx.ddos.get(did);
  if (dialect === 'ocean-node') {
    if (!did.startsWith('did:op')) expressText(res, 400, 'Missing or invalid required parameter: "did"');
    else if (!asset) expressText(res, 404, 'DDO not found');
    else expressJson(res, 200, asset.ddo);
    return;
  }
  if (!asset) flaskJson(res, 404, { error: `Asset DID ${did} not found in Elasticsearch.` });
  else flaskJson(res, 200, asset.ddo);
}

/** POST fileInfo (Ocean Node) / fileinfo (Provider v2): whether the files behind a service answer. */
export async function fileInfo(ctx: SandboxContext, dialect: SandboxDialect, req: SandboxRequest, res: ServerResponse): Promise<void> {
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
  const reply = dialect === 'ocean-node' ? expressJson : flaskJson;
  const stored = ctx.ddos.service(String(body.did), String(body.serviceId));
  if (!stored) {
    reply(res, 400, dialect === 'ocean-node' ? 'Invalid did or serviceId' : { error: 'Cannot resolve DID' });
    return;
  }
  const infos = await Promise.all(
    stored.files.map(async (file, index) => {
      if (file.content !== undefined) return { index, valid: true, contentLength: String(Buffer.byteLength(file.content)), contentType: 'application/octet-stream', type: 'url' };
      try {
        const response = await fetch(String(file.url), { method: 'HEAD', signal: AbortSignal.timeout(5000) });
        return { index, valid: response.ok, contentLength: response.headers.get('content-length') ?? '', contentType: response.headers.get('content-type') ?? '', type: 'url' };
      } catch {
        return { index, valid: false, type: 'url' };
      }
    }),
  );
  reply(res, 200, infos);
}
