// Shared by the console pages: the navigation bar, API calls with Vietnamese errors,
// and the admin token (kept for this tab only: sessionStorage).
"use strict";

const PAGES = [
  ["/", "Hỏi đáp"],
  ["/nhiem-vu", "Nhiệm vụ"],
  ["/tong-quan", "Tổng quan thời hạn"],
  ["/van-ban", "Văn bản (quản trị)"],
];

function consoleHeader() {
  const header = document.createElement("header");
  header.className = "console";
  const brand = document.createElement("span");
  brand.className = "brand";
  brand.textContent = "Trợ lý Kế hoạch";
  const nav = document.createElement("nav");
  nav.setAttribute("aria-label", "Trang");
  for (const [href, label] of PAGES) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = label;
    if (location.pathname === href) a.setAttribute("aria-current", "page");
    nav.appendChild(a);
  }
  header.append(brand, nav);
  document.body.prepend(header);
}

const adminToken = {
  get() { return sessionStorage.getItem("planbot-admin-token") || ""; },
  set(value) { sessionStorage.setItem("planbot-admin-token", value); },
  clear() { sessionStorage.removeItem("planbot-admin-token"); },
};

class ApiError extends Error {
  constructor(status, detail, body) { super(detail); this.status = status; this.body = body; }
}

// fetch JSON from the API; a failure throws ApiError whose message is the API's Vietnamese detail
async function api(path, options = {}) {
  let response;
  try {
    response = await fetch(path, options);
  } catch (e) {
    throw new ApiError(0, "Không kết nối được máy chủ; xin thử lại sau.", null);
  }
  const type = response.headers.get("content-type") || "";
  const body = type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) {
    const detail = body && body.detail ? body.detail : `Lỗi ${response.status}`;
    throw new ApiError(response.status, detail, body);
  }
  return body;
}

document.addEventListener("DOMContentLoaded", consoleHeader);
