/** A request the Provider turns down: the status and the JSON body it answers with. */
export class Refusal {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}
