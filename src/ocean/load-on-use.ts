import type * as HttpModule from 'node:http';
import type * as HttpsModule from 'node:https';
import type * as AxiosModule from 'axios';
import type * as AxiosRetryModule from 'axios-retry';
import type * as EthersModule from 'ethers';
import type * as TarStreamModule from 'tar-stream';
import type * as PaymentsModule from './payment/payments';

/*
 * The libraries are most of the package's load time (ethers alone about half of it). Node-RED
 * loads every installed node at start, used or not, so each is loaded on first use: the HTTP
 * client with the first connection, ethers when the wallet signs or pays, tar with the first
 * archive.
 */

export function loadAxios(): typeof AxiosModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('axios') as typeof AxiosModule;
}

/** Node's HTTP modules, which axios loads with the first connection too (TLS among them). */
export function loadNodeHttp(): { http: typeof HttpModule; https: typeof HttpsModule } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { http: require('node:http') as typeof HttpModule, https: require('node:https') as typeof HttpsModule };
}

export function loadAxiosRetry(): typeof AxiosRetryModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('axios-retry') as typeof AxiosRetryModule;
}

export function loadTarStream(): typeof TarStreamModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('tar-stream') as typeof TarStreamModule;
}

export function loadEthers(): typeof EthersModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('ethers') as typeof EthersModule;
}

export function loadPayments(): typeof PaymentsModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./payment/payments') as typeof PaymentsModule;
}
