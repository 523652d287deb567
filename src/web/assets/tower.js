// NATS Tower's only script of its own. The CSP allows same-origin scripts only, so behaviour
// is wired here by data attributes instead of inline handlers.
document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;

  const opener = target.closest('[data-open-dialog]');
  if (opener) {
    const dialog = document.getElementById(opener.getAttribute('data-open-dialog'));
    if (dialog && typeof dialog.showModal === 'function') dialog.showModal();
  }

  const closer = target.closest('[data-close-dialog]');
  if (closer) closer.closest('dialog')?.close();

  const copier = target.closest('[data-copy]');
  if (copier) {
    const source = document.getElementById(copier.getAttribute('data-copy'));
    if (source) {
      navigator.clipboard?.writeText(source.textContent ?? '').then(() => {
        copier.textContent = 'Copied';
        setTimeout(() => (copier.textContent = 'Copy'), 1500);
      });
    }
  }
});

// Ask before destructive forms (delete, revoke) submit.
document.addEventListener(
  'submit',
  (event) => {
    const form = event.target;
    const question = form instanceof HTMLFormElement ? form.getAttribute('data-confirm') : null;
    if (question && !window.confirm(question)) event.preventDefault();
  },
  true,
);

// Every HTMX request carries the session's CSRF token from the page's meta tag.
document.addEventListener('htmx:configRequest', (event) => {
  const token = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content');
  if (token) event.detail.headers['x-csrf-token'] = token;
});
