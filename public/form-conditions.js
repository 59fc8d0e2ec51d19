/*
 * Conditional questions of the registration form (src/forms): a field marked
 * data-condition-field="key" data-condition-values="a b" is shown only while the field `key` is
 * shown and has one of those answers. Fields are visited in page order, so conditions chain.
 * Hidden fields are disabled: their answers are not sent (the server drops them anyway).
 * Without JavaScript every field stays on the page with its "only if" hint.
 */
(function () {
  var forms = document.querySelectorAll('form[data-conditional-form]');
  Array.prototype.forEach.call(forms, function (form) {
    var items = Array.prototype.slice.call(form.querySelectorAll('[data-field-key]'));
    if (
      !items.some(function (item) {
        return item.hasAttribute('data-condition-field');
      })
    )
      return;

    function answers(key) {
      var out = [];
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name !== key || el.disabled) return;
        if (el.type === 'radio' || el.type === 'checkbox') {
          if (el.checked) out.push(el.value);
        } else if (el.value) {
          out.push(el.value);
        }
      });
      return out;
    }

    function update() {
      var shown = {};
      items.forEach(function (item) {
        var key = item.getAttribute('data-field-key');
        var trigger = item.getAttribute('data-condition-field');
        var show = true;
        var wanted;
        if (trigger) {
          wanted = (item.getAttribute('data-condition-values') || '').split(' ');
          show =
            shown[trigger] !== false &&
            answers(trigger).some(function (value) {
              return wanted.indexOf(value) >= 0;
            });
        }
        shown[key] = show;
        if (item.hidden === !show) return;
        item.hidden = !show;
        Array.prototype.forEach.call(item.querySelectorAll('input, select, textarea'), function (el) {
          el.disabled = !show;
        });
      });
    }

    form.addEventListener('change', update);
    form.addEventListener('input', update);
    update();
  });
})();
