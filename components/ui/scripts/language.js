// Marks the page's language for screen readers and font selection, without touching any text.
// In Chinese the whole document is zh-Hans. Otherwise each block of text that starts with a
// Chinese character (the Chinese half of an "English + 中文" layout, a Chinese name) gets
// lang="zh-Hans", so it is read as Chinese and drawn with Simplified Chinese glyph forms.
(() => {
  const page = window.parent === window ? window : window.parent;
  page.__partnershipLanguage = "{mode}";
  const doc = page.document;
  doc.documentElement.lang = page.__partnershipLanguage === "zh" ? "zh-Hans" : "en-GB";
  if (page.__partnershipLanguageObserver) {
    page.__partnershipMarkLanguage();
    return;
  }
  const blocks = "p, li, h1, h2, h3, h4, h5, h6, label, summary, button, td, th, text, tspan";
  const first = /[A-Za-z\u3400-\u9fff\uf900-\ufaff]/;
  const chinese = /[\u3400-\u9fff\uf900-\ufaff]/;
  const mark = () => {
    const wholePage = page.__partnershipLanguage === "zh";
    for (const element of doc.querySelectorAll(blocks)) {
      const letter = (element.textContent || "").match(first);
      const isChinese = !wholePage && letter !== null && chinese.test(letter[0]);
      if (isChinese && element.getAttribute("lang") !== "zh-Hans") {
        element.setAttribute("lang", "zh-Hans");
        element.dataset.partnershipLang = "1";
      } else if (!isChinese && element.dataset.partnershipLang) {
        element.removeAttribute("lang");
        delete element.dataset.partnershipLang;
      }
    }
  };
  let pending = 0;
  page.__partnershipMarkLanguage = mark;
  page.__partnershipLanguageObserver = new page.MutationObserver(() => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(mark);
  });
  page.__partnershipLanguageObserver.observe(doc.body, {
    childList: true,
    subtree: true,
    characterData: true,
  });
  mark();
})();
