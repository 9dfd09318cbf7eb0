// Never download a browser during install (whatsapp-web.js uses the system Chromium).
module.exports = { skipDownload: true };
