/** How a child is named on a page: by name, or by LA child id when only a return has told us of them. */
export function childName(child: { first_name: string | null; last_name: string | null; la_child_id?: string }): string {
  const name = [child.first_name, child.last_name].filter(Boolean).join(' ');
  return name || (child.la_child_id ? `Child ${child.la_child_id}` : 'Child with no name recorded');
}
