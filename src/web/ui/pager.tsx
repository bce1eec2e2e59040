/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** Previous/next links for a paged list, keeping the other query parameters. */
export function Pager({ path, query, page, pageSize, total }: { path: string; query?: URLSearchParams; page: number; pageSize: number; total: number }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return <></>;
  const href = (n: number) => {
    const params = new URLSearchParams(query);
    params.set('page', String(n));
    return `${path}?${params}`;
  };
  return (
    <nav class="fl-pager" aria-label="Pages">
      {page > 1 ? <a href={href(page - 1)} rel="prev">← Previous</a> : <span />}
      <span>
        Page {page} of {pages} ({total})
      </span>
      {page < pages ? <a href={href(page + 1)} rel="next">Next →</a> : <span />}
    </nav>
  );
}

/** The `page` query parameter as a positive whole number (1 when missing or wrong). */
export function pageParam(value: string | undefined): number {
  const page = Number(value);
  return Number.isInteger(page) && page > 0 ? page : 1;
}
