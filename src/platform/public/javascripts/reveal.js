// Shows the fields that belong to one answer of a radio question only while that answer is chosen.
// GOV.UK Frontend's own conditional reveal marks each radio aria-expanded, which ARIA does not allow on
// a radio (axe refuses it); this reveals the same way without it. With no JavaScript every field shows.
for (const box of document.querySelectorAll('[data-reveal-for]')) {
  const spec = box.dataset.revealFor;
  const name = spec.slice(0, spec.indexOf('='));
  const value = spec.slice(spec.indexOf('=') + 1);
  const radios = [...document.querySelectorAll('input[type="radio"]')].filter((r) => r.name === name);
  const update = () => box.classList.toggle('govuk-radios__conditional--hidden', !radios.some((r) => r.checked && r.value === value));
  for (const r of radios) r.addEventListener('change', update);
  update();
}
