/** The subset of the WHATWG fetch API the extractor depends on; injected so unit tests can script it. */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** A source of uniform random numbers in [0, 1); injected so jitter is exact in tests. */
export type Random = () => number;
