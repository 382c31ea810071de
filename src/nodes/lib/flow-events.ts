import type { EventEmitter } from 'node:events';

type FlowEvent = 'flows:started' | 'flows:stopping';

/** Per runtime event bus and event: the handlers of every connection, behind one listener. */
const handlersOf = new WeakMap<EventEmitter, Map<FlowEvent, Set<() => void>>>();

/**
 * Calls `handler` on each `event` of Node-RED's runtime events until the returned function is
 * called (or once, with `once`). Every connection shares one listener per event, so flows with
 * many connections do not trip Node's listener-leak warning (10 per event).
 */
export function onFlowEvent(events: EventEmitter, event: FlowEvent, handler: () => void, options: { once?: boolean } = {}): () => void {
  let byEvent = handlersOf.get(events);
  if (!byEvent) {
    byEvent = new Map();
    handlersOf.set(events, byEvent);
  }
  let handlers = byEvent.get(event);
  if (!handlers) {
    const set = new Set<() => void>();
    handlers = set;
    byEvent.set(event, set);
    events.on(event, () => {
      for (const each of [...set]) each();
    });
  }
  const registered = handlers;
  const entry = options.once
    ? (): void => {
        registered.delete(entry);
        handler();
      }
    : handler;
  registered.add(entry);
  return () => {
    registered.delete(entry);
  };
}
