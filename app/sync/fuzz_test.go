package sync

import (
	"encoding/json"
	"testing"
)

// FuzzPush decodes arbitrary bytes as a push and applies what passes the
// checks: nothing may panic, a checked mutation hashes the same after a
// JSON round trip, a checked upsert on a new object sets every field it
// names, and a deleted object stays deleted whatever follows.
func FuzzPush(f *testing.F) {
	f.Add([]byte(`{"protocol":1,"client_id":"c_12345678","mutations":[{"id":1,"op":"upsert","kind":"annotation","object_id":"0190a000-0000-7000-8000-000000000001","hlc":120000000000000000,"fields":{"note":"n","color":"blue"}}]}`))
	f.Add([]byte(`{"protocol":1,"client_id":"c_12345678","mutations":[{"id":1,"op":"delete","kind":"annotation","object_id":"0190a000-0000-7000-8000-000000000001","hlc":120000000000000000}]}`))
	f.Add([]byte(`{"protocol":1,"client_id":"c_12345678","mutations":[{"id":1,"op":"upsert","kind":"setting","object_id":"theme","hlc":120000000000000000,"fields":{"value":"dark"}},{"id":2,"op":"upsert","kind":"position","object_id":"abc","hlc":120000000000000001,"fields":{"at":{"b":3,"f":0.5}}}]}`))
	f.Add([]byte(`{"protocol":1,"client_id":"c_12345678","mutations":[{"id":1,"op":"upsert","kind":"article","object_id":"abc","hlc":120000000000000000,"fields":{"doc":{"blocks":[{"kind":"paragraph","runs":[{"text":"x","href":"javascript:1"}]}]}}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var req PushRequest
		if json.Unmarshal(body, &req) != nil || CheckRequest(&req) != nil {
			return
		}
		records := map[Key]*Record{}
		for _, m := range req.Mutations {
			if CheckMutation(&m) != nil {
				continue
			}
			// As sent: the server hashes the mutation it decodes.
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			var sent Mutation
			if err := json.Unmarshal(b, &sent); err != nil {
				t.Fatal(err)
			}
			if sent.Hash() != m.Hash() {
				t.Fatalf("Hash is not stable across a JSON round trip: %s", b)
			}
			cur := records[m.Key()]
			wasDeleted := cur != nil && cur.Deleted != 0
			next, out := Apply(cur, m, req.ClientID)
			if wasDeleted && (next.Deleted == 0 || out.Changed || len(next.Fields) != 0) {
				t.Fatalf("a deleted object came back: %+v %+v", next, out)
			}
			if cur == nil && m.Op == OpUpsert {
				for name := range m.Fields {
					if _, ok := next.Fields[name]; !ok {
						t.Fatalf("new object lacks field %q", name)
					}
				}
			}
			records[m.Key()] = &next
		}
	})
}
