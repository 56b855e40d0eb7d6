// c-ares parses A, AAAA, MX, TXT, NS and SRV replies; c-ares 1.18 has no
// CNAME parser, so CNAME answers are walked here with ares_expand_name
// doing the name decompression.
#include "monitor/dns_answers.h"

#include <ares.h>
#include <arpa/inet.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cctype>

namespace opsdeck::monitor {

namespace {

constexpr int kA = 1, kNs = 2, kCname = 5, kMx = 15, kTxt = 16, kAaaa = 28, kSrv = 33;
// Addresses kept from one reply (a larger RRset is cut here).
constexpr int kMaxAddresses = 64;

std::string NormalName(std::string_view name) {
  std::string out(name);
  if (!out.empty() && out.back() == '.') out.pop_back();
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

core::Error BadReply(int status) {
  return core::Error::Unavailable(std::string("bad DNS reply: ") + ares_strerror(status));
}

// Reads a (possibly compressed) name at `at`; advances `at` past it.
std::optional<std::string> ReadName(std::span<const unsigned char> m, size_t* at) {
  char* name = nullptr;
  long used = 0;
  if (*at >= m.size() || ares_expand_name(m.data() + *at, m.data(), static_cast<int>(m.size()),
                                          &name, &used) != ARES_SUCCESS) {
    return std::nullopt;
  }
  std::string out = NormalName(name);
  ares_free_string(name);
  *at += static_cast<size_t>(used);
  return out;
}

core::Result<std::vector<std::string>> Cnames(std::span<const unsigned char> m) {
  auto u16 = [&](size_t at) { return static_cast<unsigned>(m[at] << 8 | m[at + 1]); };
  if (m.size() < 12) return BadReply(ARES_EBADRESP);
  const unsigned questions = u16(4), answers = u16(6);
  size_t at = 12;
  for (unsigned i = 0; i < questions; ++i) {
    if (!ReadName(m, &at) || (at += 4) > m.size()) return BadReply(ARES_EBADRESP);
  }
  std::vector<std::string> out;
  for (unsigned i = 0; i < answers; ++i) {
    if (!ReadName(m, &at) || at + 10 > m.size()) return BadReply(ARES_EBADRESP);
    const unsigned type = u16(at), length = u16(at + 8);
    at += 10;
    if (at + length > m.size()) return BadReply(ARES_EBADRESP);
    if (type == kCname) {
      size_t rdata = at;
      auto name = ReadName(m, &rdata);
      if (!name) return BadReply(ARES_EBADRESP);
      out.push_back(std::move(*name));
    }
    at += length;
  }
  return out;
}

}  // namespace

std::optional<int> DnsRecordType(std::string_view name) {
  static constexpr std::pair<std::string_view, int> kTypes[] = {
      {"A", kA},     {"AAAA", kAaaa}, {"CNAME", kCname}, {"MX", kMx},
      {"TXT", kTxt}, {"NS", kNs},     {"SRV", kSrv}};
  for (const auto& [n, type] : kTypes) {
    if (n == name) return type;
  }
  return std::nullopt;
}

core::Result<std::vector<std::string>> DecodeDnsAnswers(int rr_type,
                                                        std::span<const unsigned char> m) {
  const unsigned char* buf = m.data();
  const int len = static_cast<int>(m.size());
  std::vector<std::string> out;
  int status = ARES_SUCCESS;
  switch (rr_type) {
    case kA: {
      ares_addrttl addrs[kMaxAddresses];
      int n = kMaxAddresses;
      status = ares_parse_a_reply(buf, len, nullptr, addrs, &n);
      for (int i = 0; status == ARES_SUCCESS && i < n; ++i) {
        char text[INET_ADDRSTRLEN];
        out.emplace_back(inet_ntop(AF_INET, &addrs[i].ipaddr, text, sizeof text));
      }
      break;
    }
    case kAaaa: {
      ares_addr6ttl addrs[kMaxAddresses];
      int n = kMaxAddresses;
      status = ares_parse_aaaa_reply(buf, len, nullptr, addrs, &n);
      for (int i = 0; status == ARES_SUCCESS && i < n; ++i) {
        char text[INET6_ADDRSTRLEN];
        out.emplace_back(inet_ntop(AF_INET6, &addrs[i].ip6addr, text, sizeof text));
      }
      break;
    }
    case kCname:
      return Cnames(m);
    case kNs: {
      hostent* host = nullptr;
      status = ares_parse_ns_reply(buf, len, &host);
      for (char** a = host ? host->h_aliases : nullptr; a && *a; ++a) out.push_back(NormalName(*a));
      if (host) ares_free_hostent(host);
      break;
    }
    case kMx: {
      ares_mx_reply* mx = nullptr;
      status = ares_parse_mx_reply(buf, len, &mx);
      for (auto* r = mx; r; r = r->next) {
        out.push_back(std::to_string(r->priority) + " " + NormalName(r->host));
      }
      if (mx) ares_free_data(mx);
      break;
    }
    case kSrv: {
      ares_srv_reply* srv = nullptr;
      status = ares_parse_srv_reply(buf, len, &srv);
      for (auto* r = srv; r; r = r->next) {
        out.push_back(std::to_string(r->priority) + " " + std::to_string(r->weight) + " " +
                      std::to_string(r->port) + " " + NormalName(r->host));
      }
      if (srv) ares_free_data(srv);
      break;
    }
    case kTxt: {
      ares_txt_ext* txt = nullptr;
      status = ares_parse_txt_reply_ext(buf, len, &txt);
      for (auto* r = txt; r; r = r->next) {
        // A record of several strings arrives as several entries; the
        // first carries record_start.
        std::string_view piece(reinterpret_cast<const char*>(r->txt), r->length);
        if (r->record_start || out.empty()) {
          out.emplace_back(piece);
        } else {
          out.back().append(piece);
        }
      }
      if (txt) ares_free_data(txt);
      break;
    }
    default:
      return core::Error::InvalidArgument("unsupported record type");
  }
  if (status == ARES_ENODATA) return std::vector<std::string>{};
  if (status != ARES_SUCCESS) return BadReply(status);
  return out;
}

bool DnsAnswerMatches(int rr_type, std::string_view expected, std::string_view answer) {
  if (rr_type == kA || rr_type == kAaaa) {
    boost::system::error_code ec1, ec2;
    auto want = boost::asio::ip::make_address(expected, ec1);
    auto got = boost::asio::ip::make_address(answer, ec2);
    return !ec1 && !ec2 && want == got;
  }
  if (rr_type == kTxt) return expected == answer;
  const std::string want = NormalName(expected);
  if (want == answer) return true;
  if (rr_type == kMx || rr_type == kSrv) {
    const size_t space = answer.rfind(' ');
    return space != std::string_view::npos && answer.substr(space + 1) == want;
  }
  return false;
}

}  // namespace opsdeck::monitor
