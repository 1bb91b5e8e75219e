"""The self-assessment as one HTML file a stakeholder opens from an e-mail attachment.

It works offline and sends nothing anywhere: everything is inline, and its Content
Security Policy forbids every request (no fetch, no form submission, no image or font
from elsewhere). Its script writes the reply in the plain-text format of
``coaching.survey`` (the same one the e-mail form is answered in), which the person saves
as a small file or copies into an e-mail. All supplied text is escaped: HTML where it is
shown, JSON (with <, > and & escaped) where the script reads it.
"""

from __future__ import annotations

import html
import json

from qualicoach.coaching.survey import END, TITLE, WHO_SEES, Form, FormQuestion, heading
from qualicoach.domain.deal import slugify

# Nothing may be fetched, framed, submitted or connected to; only the inline style and
# script of this file run.
CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
       "img-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'; "
       "frame-ancestors 'none'")


def reply_file_name(form: Form) -> str:
    """The name the reply is saved under."""
    return f"reply-{form.reference}-{slugify(form.respondent)}.txt"


def form_html(form: Form) -> str:
    """The offline HTML form for one stakeholder."""
    e = html.escape
    questions = "\n".join(_question_html(q) for q in form.questions)
    data = {"title": TITLE, "end": END, "reference": form.reference,
            "respondent": form.respondent, "sent": form.sent.isoformat(),
            "file": reply_file_name(form),
            "questions": [{"n": q.number, "key": q.key, "text": q.text,
                           "hint": q.free_hint, "multi": q.multi,
                           "options": [[o.letter, o.label] for o in q.options]}
                          for q in form.questions]}
    return _PAGE.format(
        csp=e(CSP), title=e(f"{form.account or 'Your organisation'}: a short self-assessment"),
        heading=e(heading(form)), who_sees=e(WHO_SEES), respondent=e(form.respondent),
        questions=questions,
        data=_script_json(data), script=_SCRIPT, style=_STYLE, file=e(reply_file_name(form)))


def _question_html(q: FormQuestion) -> str:
    e = html.escape
    name = f"q{q.number}"
    why = f'<p class="why">{e(q.why)}</p>' if q.why else ""
    kind = "checkbox" if q.multi else "radio"
    if q.options:
        boxes = "\n".join(
            f'<label><input type="{kind}" name="{name}" value="{e(o.letter)}"> '
            f'{e(o.label)}</label>' for o in q.options)
        if q.multi:
            boxes = '<p class="hint">Tick every one that applies.</p>\n' + boxes
    else:
        boxes = (f'<label>Your answer ({e(q.free_hint)}): <input type="text" '
                 f'name="{name}-answer" autocomplete="off"></label>')
    return (f'<fieldset id="{name}"><legend><span class="n">{q.number}</span> '
            f'{e(q.text)}</legend>\n{why}\n<div class="options">\n{boxes}\n</div>\n'
            f'<label class="comment">Comment (optional): <textarea name="{name}-comment" '
            f'rows="2"></textarea></label></fieldset>')


def _script_json(data: object) -> str:
    # Inside <script>, "</script>" or "<!--" in a supplied text would end or bend the
    # element; escaped as \\u003c they stay text to the script.
    text = json.dumps(data, ensure_ascii=False)
    for raw, safe in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                      ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, safe)
    return text


_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto;
       padding: 0 1rem; color: #1d2430; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
.lead { color: #4a5568; }
fieldset { border: 1px solid #d5dbe3; border-radius: 8px; margin: 1.25rem 0;
           padding: .75rem 1rem 1rem; }
legend { font-weight: 600; padding: 0 .4rem; }
.n { display: inline-block; min-width: 1.6rem; height: 1.6rem; border-radius: 50%;
     background: #2b6cb0; color: #fff; text-align: center; font-size: .9rem;
     line-height: 1.6rem; margin-right: .3rem; }
.why, .hint { color: #5a6577; font-size: .9rem; margin: .25rem 0 .5rem; }
.options label { display: block; padding: .2rem 0; }
.comment { display: block; margin-top: .6rem; font-size: .9rem; color: #4a5568; }
textarea, input[type=text] { width: 100%; box-sizing: border-box; font: inherit; }
.actions { background: #f7f9fc; padding: 1rem; border-radius: 8px;
           border-top: 1px solid #d5dbe3; margin-top: 2rem; }
button { font: inherit; padding: .5rem 1rem; margin-right: .5rem; border-radius: 6px;
         border: 1px solid #2b6cb0; background: #2b6cb0; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #2b6cb0; }
#status { margin: .5rem 0 0; font-weight: 600; }
#reply { font: 13px/1.4 ui-monospace, monospace; margin-top: .5rem; }
@media print { .actions { display: none; } }
"""

_SCRIPT = r"""
(function () {
  var data = JSON.parse(document.getElementById('form-data').textContent);
  function flat(text) { return String(text).replace(/\s+/g, ' ').trim(); }
  function replyText() {
    var answered = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    var out = [data.title, 'Reference: ' + data.reference, 'For: ' + data.respondent,
               'Sent: ' + data.sent, 'Answered: ' + answered, ''];
    var count = 0;
    data.questions.forEach(function (q) {
      var name = 'q' + q.n, lines = [], marked = 0;
      q.options.forEach(function (o) {
        var box = document.querySelector('input[name="' + name + '"][value="' + o[0] + '"]');
        if (box && box.checked) { lines.push('[x] ' + o[0] + '. ' + o[1]); marked++; }
      });
      var free = document.querySelector('input[name="' + name + '-answer"]');
      var answer = free ? flat(free.value) : '';
      if (!marked && !answer) { return; }
      if (answer) { lines.push('Answer (' + q.hint + '): ' + answer); }
      var comment = flat(document.querySelector('textarea[name="' + name + '-comment"]').value);
      out.push('--- ' + q.n + ' [' + q.key + '] ---', flat(q.text));
      out = out.concat(lines);
      out.push(('Comment: ' + comment).trim(), '');
      count++;
    });
    out.push(data.end);
    return {text: out.join('\n') + '\n', count: count};
  }
  function show(reply, message) {
    var box = document.getElementById('reply');
    box.value = reply.text;
    box.hidden = false;
    document.getElementById('status').textContent = message;
  }
  document.getElementById('save').addEventListener('click', function () {
    var reply = replyText();
    if (!reply.count) { document.getElementById('status').textContent =
      'Please answer at least one question first.'; return; }
    var url = URL.createObjectURL(new Blob([reply.text], {type: 'text/plain'}));
    var link = document.createElement('a');
    link.href = url; link.download = data.file;
    document.body.appendChild(link); link.click(); link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    show(reply, 'Saved as ' + data.file + ' (in your downloads). Attach it to an e-mail ' +
         'to us. The same text is below if you prefer to paste it.');
  });
  document.getElementById('copy').addEventListener('click', function () {
    var reply = replyText();
    if (!reply.count) { document.getElementById('status').textContent =
      'Please answer at least one question first.'; return; }
    show(reply, 'Copied. Paste it into an e-mail to us.');
    var box = document.getElementById('reply');
    box.focus(); box.select();
    var done = false;
    try { done = document.execCommand('copy'); } catch (e) { done = false; }
    if (!done && navigator.clipboard) {
      navigator.clipboard.writeText(reply.text).catch(function () {
        document.getElementById('status').textContent =
          'Select the text below and copy it into an e-mail to us.';
      });
    }
  });
})();
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<h1>{heading}</h1>
<p class="lead">A few questions for you, {respondent}. There are no right answers: we
would like to hear how you see it, in your own words. Skip any question you prefer not
to answer. Nothing leaves this page until you send it to us yourself.</p>
<p class="lead">{who_sees}</p>
<form id="survey" onsubmit="return false">
{questions}
</form>
<div class="actions">
<button type="button" id="save">Save my answers</button>
<button type="button" id="copy" class="secondary">Copy my answers</button>
<p id="status" role="status"></p>
<textarea id="reply" rows="10" readonly hidden aria-label="Your answers, as sent"></textarea>
<p class="hint">Saving makes a small text file ({file}); send it back to us by e-mail.</p>
</div>
<script type="application/json" id="form-data">{data}</script>
<script>{script}</script>
</body>
</html>
"""
