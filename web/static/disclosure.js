// disclosure.js - progressive enhancement of the new-item form: when the official picks a
// category, the channels the law requires for it (Art 13, data-required-for) are ticked and
// locked at once. Without JavaScript the server forces the same channels on saving.
(function () {
    'use strict';
    var select = document.getElementById('linh_vuc');
    if (!select) {
        return;
    }
    var boxes = document.querySelectorAll('input[data-required-for]');
    function apply() {
        if (!select.value) {
            return; // nothing chosen yet: keep what the server rendered
        }
        var cat = ' ' + select.value + ' ';
        for (var i = 0; i < boxes.length; i++) {
            var b = boxes[i];
            var required = (' ' + b.getAttribute('data-required-for') + ' ').indexOf(cat) >= 0;
            if (required) {
                b.checked = true;
            }
            b.disabled = required;
            var note = document.getElementById(b.id + '-bat-buoc');
            if (note) {
                note.hidden = !required;
            }
        }
    }
    select.addEventListener('change', apply);
    apply();
})();
