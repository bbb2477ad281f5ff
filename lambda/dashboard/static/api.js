// The dashboard's calls to Ferry's HTTP API, on the origin that served the page (the local stack, or `ferry dashboard`).

/** An API error answer, or a route this API does not have (yet). */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /** The route is missing here: an older or newer Ferry, or a runtime without it. */
  get unavailable() {
    return this.code === 'ROUTE_NOT_FOUND' || this.code === 'METRICS_NOT_KEPT';
  }
}

export async function api(path, { method = 'GET', body } = {}) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined;
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = answer.error ?? {};
    throw new ApiError(response.status, error.code ?? `HTTP_${response.status}`, error.message ?? response.statusText);
  }
  return answer;
}

export const enc = encodeURIComponent;
