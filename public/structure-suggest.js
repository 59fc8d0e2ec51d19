/*
 * The organisation field of the registration form: its datalist (#structure-names) holds the most used
 * structure names, sent with the page. As people type, it is refilled with the known names that match
 * (GET /structures/suggest?q=), so a structure beyond the first few hundred is offered too. The browser's
 * own datalist does the rest (keyboard, screen readers). Without JavaScript the first list stays.
 */
(function () {
  var input = document.querySelector('input[name="organisation"][list="structure-names"]');
  var list = document.getElementById('structure-names');
  if (!input || !list || !window.fetch) return;
  var timer = null;
  var last = '';
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last) return;
      last = q;
      fetch('/structures/suggest?q=' + encodeURIComponent(q), { headers: { accept: 'application/json' } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (body) {
          if (!body || q !== last || !body.names.length) return;
          var seen = {};
          Array.prototype.forEach.call(list.options, function (option) {
            seen[option.value] = true;
          });
          body.names.forEach(function (name) {
            if (seen[name]) return;
            var option = document.createElement('option');
            option.value = name;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 250);
  });
})();
