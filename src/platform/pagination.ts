/**
 * The GOV.UK pagination component's parameters for page `page` of `pages`: previous and next, the first
 * and last pages and two either side of this one, with an ellipsis where pages are skipped. None for a
 * single page, which needs no pagination.
 */
export function pagination(page: number, pages: number, href: (n: number) => string) {
  if (pages <= 1) return null;
  return {
    previous: page > 1 ? { href: href(page - 1) } : undefined,
    next: page < pages ? { href: href(page + 1) } : undefined,
    items: Array.from({ length: pages }, (_, i) => i + 1)
      .filter((n) => n === 1 || n === pages || Math.abs(n - page) <= 2)
      .flatMap((n, i, shown) => [...(i > 0 && n - shown[i - 1]! > 1 ? [{ ellipsis: true }] : []), { number: n, href: href(n), current: n === page }]),
  };
}
