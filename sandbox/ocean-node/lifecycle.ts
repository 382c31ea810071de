import type { Lifecycle, StatusStep } from '../jobs/job';

/** Ocean Node's status numbers and texts (protocol doc 11.3), as the recorded jobs went through them. */
export const OCEAN_NODE_LIFECYCLE: Lifecycle = {
  created: { status: 10, text: 'Pulling algorithm image' },
  phase(phase) {
    switch (phase) {
      case 'pulling':
        return { status: 10, text: 'Pulling algorithm image' };
      case 'configuring':
        return { status: 20, text: 'Configuring volumes' };
      case 'provisioning':
        return { status: 30, text: 'Provisioning data' };
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
    return { status: 41, text: 'Failed to run algorithm' };
  },
  // A finished job settles its payment claim next; the recorded node stayed at 71 for free jobs too.
  finished: { status: 71, text: 'Job settling' },
};

/** Where a paid job ends once the node has claimed its payment (the recording: 71, then 70 after the claim). */
export const JOB_FINISHED: StatusStep = { status: 70, text: 'Job finished' };
