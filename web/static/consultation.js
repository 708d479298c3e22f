// consultation.js - progressive enhancement of the comment form: while a resident types, the
// comments already made that look like theirs are fetched (GET .../goi-y?q=) and shown under
// the box, each with its "Tôi cũng đồng tình" button. Without JavaScript the "Tìm" button of
// the search form above does the same through a full page.
(function () {
    'use strict';
    var box = document.getElementById('noi_dung');
    var out = document.getElementById('goi-y');
    if (!box || !out || !box.getAttribute('data-goi-y') || !window.fetch) {
        return;
    }
    var url = box.getAttribute('data-goi-y');
    var form = document.getElementById('form-gop-y');
    var csrf = form ? form.querySelector('input[name=_csrf]').value : '';
    var draft = url.replace(/\/goi-y$/, '').split('/').pop();
    var timer = null, last = '';
    function show(list) {
        while (out.firstChild) {
            out.removeChild(out.firstChild);
        }
        if (!list.length) {
            return;
        }
        var p = document.createElement('p');
        p.textContent = 'Ý kiến tương tự đã có – nếu đúng ý bạn, hãy bấm đồng tình:';
        out.appendChild(p);
        var ul = document.createElement('ul');
        ul.className = 'items';
        list.forEach(function (c) {
            var li = document.createElement('li');
            var span = document.createElement('span');
            span.className = 'text';
            span.textContent = c.body + ' (' + c.agree + ' người đồng tình) ';
            li.appendChild(span);
            var f = document.createElement('form');
            f.method = 'post';
            f.action = '/gop-y/y-kien/' + c.id + '/dong-tinh';
            f.className = 'inline';
            [['_csrf', csrf], ['du_thao', draft]].forEach(function (kv) {
                var i = document.createElement('input');
                i.type = 'hidden';
                i.name = kv[0];
                i.value = kv[1];
                f.appendChild(i);
            });
            var b = document.createElement('button');
            b.type = 'submit';
            b.className = 'small secondary';
            b.textContent = 'Tôi cũng đồng tình';
            f.appendChild(b);
            li.appendChild(f);
            ul.appendChild(li);
        });
        out.appendChild(ul);
    }
    function ask() {
        var q = box.value.trim();
        if (q.length < 8 || q === last) {
            return;
        }
        last = q;
        fetch(url + '?format=json&q=' + encodeURIComponent(q.slice(0, 500)), {
            headers: {Accept: 'application/json'},
            credentials: 'same-origin'
        }).then(function (r) {
            return r.ok ? r.json() : {similar: []};
        }).then(function (m) {
            if (box.value.trim() === q) {
                show(m.similar || []);
            }
        }).catch(function () {});
    }
    box.addEventListener('input', function () {
        clearTimeout(timer);
        timer = setTimeout(ask, 400);
    });
}());
