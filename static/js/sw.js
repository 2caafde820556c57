// Verbeterbord's service worker: /me stays readable without a network. Online, /me comes from
// the server and a copy is kept; offline, the copy is shown, marked with the time it was made.
// Static files (their URLs carry a content hash) are kept as they are fetched. Nothing else is
// cached and nothing is written while offline: the page's scripts refuse changes then.
"use strict";
const CACHE = "verbeterbord-v1";
const ME = "/me";

self.addEventListener("install", () => self.skipWaiting());
// Keep a copy of /me at once, so that the first visit is enough to read it offline later.
self.addEventListener("activate", (evt) => evt.waitUntil(Promise.all([
  self.clients.claim(), pageOnline(new Request(ME, {credentials: "same-origin"})).catch(() => null)])));

async function pageOnline(request) {
  const response = await fetch(request);
  if (response.ok && response.headers.get("content-type", "").startsWith("text/html") &&
      !response.redirected) {
    const html = await response.clone().text();
    const cache = await caches.open(CACHE);
    await cache.put(ME, new Response(html, {headers: {
      "content-type": "text/html; charset=utf-8", "x-saved-at": new Date().toISOString()}}));
  }
  return response;
}

async function pageOffline() {
  const cache = await caches.open(CACHE);
  const saved = await cache.match(ME);
  if (!saved) return Response.error();
  const html = (await saved.text()).replace(
    "<html ", `<html data-offline-since="${saved.headers.get("x-saved-at")}" `);
  return new Response(html, {headers: {"content-type": "text/html; charset=utf-8"}});
}

async function staticFile(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(request, response.clone());
    // An older version of the same file is no longer needed.
    const wanted = new URL(request.url);
    for (const old of await cache.keys()) {
      const url = new URL(old.url);
      if (url.pathname === wanted.pathname && url.search !== wanted.search) await cache.delete(old);
    }
  }
  return response;
}

self.addEventListener("fetch", (evt) => {
  const url = new URL(evt.request.url);
  if (evt.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (evt.request.mode === "navigate" && url.pathname === ME) {
    evt.respondWith(pageOnline(evt.request).catch(pageOffline));
  } else if (url.pathname.startsWith("/static/") && url.searchParams.has("v")) {
    evt.respondWith(staticFile(evt.request));
  }
});
