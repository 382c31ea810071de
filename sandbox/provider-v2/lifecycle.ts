import type { Lifecycle } from '../jobs/job';

/** The legacy stack's statuses (operator-service/engine, pod-configuration; protocol doc 11.3). */
export const PROVIDER_V2_LIFECYCLE: Lifecycle = {
  created: { status: 1, text: 'Warming up' },
  phase(phase) {
    switch (phase) {
      case 'configuring':
        return { status: 20, text: 'Configuring volumes' };
      case 'provisioning':
        return { status: 30, text: 'Provisioning success' };
      case 'running':
        return { status: 40, text: 'Running algorithm ' };
      case 'publishing':
        return { status: 60, text: 'Publishing results' };
      default:
        return undefined;
    }
  },
  failure(failure) {
    if (failure === 'data-provisioning') return { status: 31, text: 'Data provisioning failed' };
    if (failure === 'algorithm-provisioning') return { status: 32, text: 'Algorithm provisioning failed' };
    // A pod whose command cannot start still publishes its logs and finishes.
    return { status: 70, text: 'Job finished' };
  },
  finished: { status: 70, text: 'Job finished' },
};
