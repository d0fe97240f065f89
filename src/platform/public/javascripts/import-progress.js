// Follows a running import: updates the progress bar and its status line, and shows the report when done.
const box = document.getElementById('import-progress');
if (box) {
  const status = document.getElementById('import-status');
  const bar = document.getElementById('import-bar');
  const poll = async () => {
    try {
      const res = await fetch(box.dataset.progressUrl, { headers: { accept: 'application/json' } });
      if (!res.ok) return;
      const { outcome, progress } = await res.json();
      if (outcome !== 'running') { window.location.reload(); return; }
      const percent = progress.bytesTotal ? Math.floor((100 * (progress.bytesRead || 0)) / progress.bytesTotal) : 0;
      const phase = progress.phase === 'loading' ? 'Loading the records' : 'Checking the return against the rules';
      status.textContent = `${phase}: ${percent}% read${progress.records ? `, ${progress.records.toLocaleString('en-GB')} records` : ''}.`;
      bar.value = percent;
    } finally {
      setTimeout(poll, 1500);
    }
  };
  setTimeout(poll, 1500);
}
