
#include "common/strings.h"
#include "kube/client.h"
#include "kube/errors.h"

namespace pennant::kube {

StatusOr<ObjectList> listAll(Client& client, const Resource& r, std::string_view ns, ListOptions opts) {
  ObjectList all;
  bool restarted = false;
  while (true) {
    StatusOr<ObjectList> page = client.list(r, ns, opts);
    if (!page.ok() && isGone(page.status()) && !opts.continueToken.empty() && !restarted) {
      // The continue token expired between pages: start over in one unpaginated request.
      restarted = true;
      all = {};
      opts.continueToken.clear();
      opts.limit = 0;
      continue;
    }
    if (!page.ok()) return page.status();
    for (Json& item : page->items) all.items.push_back(std::move(item));
    all.resourceVersion = page->resourceVersion;
    if (page->continueToken.empty()) return all;
    if (page->continueToken == opts.continueToken) {
      return absl::InternalError(strCat("list ", r.qualifiedName(), ": server repeated continue token"));
    }
    opts.continueToken = page->continueToken;
  }
}

}  // namespace pennant::kube
