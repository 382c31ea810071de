/** A request Ocean Node turns down: the status and the message it answers with. */
export class Refusal {
  constructor(
    readonly status: number,
    readonly message: string,
  ) {}
}
