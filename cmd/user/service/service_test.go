package service_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/douyin-go/douyin/cmd/user/service"
	"github.com/douyin-go/douyin/kitex_gen/base"
	"github.com/douyin-go/douyin/pkg/errno"
	"github.com/douyin-go/douyin/pkg/events"
	"github.com/douyin-go/douyin/pkg/moderation"
	"github.com/douyin-go/douyin/pkg/testutil/fakes"
)

const (
	avatarURL     = "http://media.test/static/avatar.png"
	backgroundURL = "http://media.test/static/background.png"
	counterWait   = 1234 * time.Millisecond
)

// counterGroups are the groups a follow waits for: those counting follows.
var counterGroups = events.CountedBy(events.TopicFollow)

type fixture struct {
	svc    *service.Service
	users  *fakeUsers
	rels   *fakeRelations
	waiter *fakes.Waiter
}

func newFixture() *fixture {
	f := &fixture{users: newFakeUsers(), rels: newFakeRelations(), waiter: &fakes.Waiter{}}
	f.svc = service.New(service.Deps{Users: f.users, Relations: f.rels, Applied: f.waiter}, service.Options{
		AvatarURL:     avatarURL,
		BackgroundURL: backgroundURL,
		BcryptCost:    bcrypt.MinCost,
		CounterWait:   counterWait,
		Words:         moderation.BuiltIn(),
	})
	return f
}

// wantErrNo fails unless err is the business error want (same code).
func wantErrNo(t *testing.T, err error, want errno.ErrNo) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want errno %d (%s)", want.Code, want.Msg)
	}
	var got errno.ErrNo
	if !errors.As(err, &got) || got.Code != want.Code {
		t.Fatalf("err = %v, want errno %d (%s)", err, want.Code, want.Msg)
	}
	if got.Msg == "" {
		t.Fatalf("errno %d has an empty message", got.Code)
	}
}

// wantInternal fails unless err is cause and reaches clients as the generic
// ServiceErr (no business error, no internal detail).
func wantInternal(t *testing.T, err, cause error) {
	t.Helper()
	if !errors.Is(err, cause) {
		t.Fatalf("err = %v, want it to wrap %v", err, cause)
	}
	if got := errno.Convert(err); got != errno.ServiceErr {
		t.Fatalf("errno.Convert(err) = %+v, want ServiceErr", got)
	}
}

var errStore = errors.New("store is down")

func TestRegisterValidation(t *testing.T) {
	const okPass = "secret-1"
	tests := []struct {
		name     string
		username string
		password string
		wantErr  *errno.ErrNo // nil: success
		wantMsg  string       // substring of the error message
	}{
		{"plain", "alice", okPass, nil, ""},
		{"one char", "a", okPass, nil, ""},
		{"32 ascii chars", strings.Repeat("a", 32), okPass, nil, ""},
		{"32 multibyte chars", strings.Repeat("名", 32), okPass, nil, ""},
		{"32 four-byte chars", strings.Repeat("😀", 32), okPass, nil, ""},
		{"inner space", "alice smith", okPass, nil, ""},
		{"quotes stored literally", `O'Brien "x" \ ;--`, okPass, nil, ""},
		{"empty username", "", okPass, &errno.ParamErr, "username"},
		{"33 ascii chars", strings.Repeat("a", 33), okPass, &errno.ParamErr, "32"},
		{"33 multibyte chars", strings.Repeat("名", 33), okPass, &errno.ParamErr, "32"},
		{"leading space", " alice", okPass, &errno.ParamErr, "whitespace"},
		{"trailing space", "alice ", okPass, &errno.ParamErr, "whitespace"},
		{"only spaces", "   ", okPass, &errno.ParamErr, "whitespace"},
		{"trailing no-break space", "alice\u00a0", okPass, &errno.ParamErr, "whitespace"},
		{"leading ideographic space", "\u3000alice", okPass, &errno.ParamErr, "whitespace"},
		{"NUL inside", "ali\x00ce", okPass, &errno.ParamErr, "control characters"},
		{"newline inside", "ali\nce", okPass, &errno.ParamErr, "control characters"},
		{"trailing tab", "alice\t", okPass, &errno.ParamErr, ""},
		{"DEL inside", "ali\x7fce", okPass, &errno.ParamErr, "control characters"},
		{"C1 control inside", "ali\u0085ce", okPass, &errno.ParamErr, ""},
		{"invalid UTF-8", "ali\xffce", okPass, &errno.ParamErr, "UTF-8"},
		{"zero-width space inside", "ali\u200bce", okPass, &errno.ParamErr, "invisible"},
		{"right-to-left override", "\u202eecila", okPass, &errno.ParamErr, "invisible"},
		{"byte order mark", "\ufeffalice", okPass, &errno.ParamErr, "invisible"},
		{"sensitive word", "the fuck", okPass, &errno.TextNotAllowed, "not allowed"},
		{"sensitive word in another case", "傻逼Boss", okPass, &errno.TextNotAllowed, "not allowed"},
		{"empty password", "bob", "", &errno.ParamErr, "password"},
		{"33-char password", "bob", strings.Repeat("p", 33), &errno.ParamErr, "password"},
		{"32-char password", "bob", strings.Repeat("p", 32), nil, ""},
		{"32 multibyte password", "bob", strings.Repeat("密", 32), nil, ""},
		{"one-char password", "bob", "p", &errno.ParamErr, "at least 6"},
		{"5-char password", "bob", "abcde", &errno.ParamErr, "at least 6"},
		{"5 multibyte chars", "bob", "密码密码密", &errno.ParamErr, "at least 6"},
		{"6-char password", "bob", "abcdef", nil, ""},
		{"password with spaces kept", "bob", " pass word ", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture()
			id, err := f.svc.Register(context.Background(), tt.username, tt.password)
			if tt.wantErr != nil {
				wantErrNo(t, err, *tt.wantErr)
				if !strings.Contains(err.Error(), tt.wantMsg) {
					t.Errorf("message %q does not mention %q", err.Error(), tt.wantMsg)
				}
				if id != 0 || len(f.users.created) != 0 {
					t.Fatalf("failed register returned id %d and stored %d users", id, len(f.users.created))
				}
				return
			}
			if err != nil {
				t.Fatalf("Register: %v", err)
			}
			if id <= 0 || len(f.users.created) != 1 {
				t.Fatalf("id %d, stored %d users", id, len(f.users.created))
			}
			got := f.users.created[0]
			if got.ID != id || got.Username != tt.username {
				t.Fatalf("stored %d %q, want %d %q", got.ID, got.Username, id, tt.username)
			}
			if got.CreatedAt.IsZero() || got.CreatedAt.Location() != time.UTC {
				t.Errorf("CreatedAt %v, want a UTC time", got.CreatedAt)
			}
			// The password is stored only as a bcrypt hash with the configured cost.
			// (Short passwords may occur in a hash by chance.)
			if got.PasswordHash == tt.password || (len(tt.password) >= 6 && strings.Contains(got.PasswordHash, tt.password)) {
				t.Fatalf("password stored in plain text: %q", got.PasswordHash)
			}
			if cost, err := bcrypt.Cost([]byte(got.PasswordHash)); err != nil || cost != bcrypt.MinCost {
				t.Fatalf("hash %q: cost %d err %v, want bcrypt cost %d", got.PasswordHash, cost, err, bcrypt.MinCost)
			}
			if len(got.PasswordHash) > 72 {
				t.Fatalf("hash is %d bytes, does not fit the 72-byte column", len(got.PasswordHash))
			}
			// And it logs in with exactly that password.
			if lid, err := f.svc.Login(context.Background(), tt.username, tt.password); err != nil || lid != id {
				t.Fatalf("Login after Register = %d, %v; want %d", lid, err, id)
			}
		})
	}
}

func TestRegisterDuplicate(t *testing.T) {
	f := newFixture()
	ctx := context.Background()
	if _, err := f.svc.Register(ctx, "alice", "pw-one"); err != nil {
		t.Fatal(err)
	}
	id, err := f.svc.Register(ctx, "alice", "another")
	wantErrNo(t, err, errno.UserAlreadyExist)
	if id != 0 {
		t.Fatalf("duplicate register returned id %d", id)
	}
	// The original account keeps its password.
	if _, err := f.svc.Login(ctx, "alice", "pw-one"); err != nil {
		t.Fatalf("original password no longer works: %v", err)
	}
	// Names are exact: another case is another user.
	if _, err := f.svc.Register(ctx, "Alice", "pw-two"); err != nil {
		t.Fatalf("Register(Alice) = %v, want a new user", err)
	}
}

func TestRegisterStoreErrorIsNotABusinessError(t *testing.T) {
	f := newFixture()
	f.users.createErr = errStore
	id, err := f.svc.Register(context.Background(), "alice", "secret1")
	wantInternal(t, err, errStore)
	if id != 0 {
		t.Fatalf("id %d", id)
	}
}

func TestLogin(t *testing.T) {
	f := newFixture()
	ctx := context.Background()
	// Two 32-character passwords of 128 bytes that share their first 72
	// bytes: bcrypt alone would accept either for the other.
	longA := strings.Repeat("😀", 31) + "a"
	longB := strings.Repeat("😀", 31) + "b"
	alice, err := f.svc.Register(ctx, "alice", "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	emoji, err := f.svc.Register(ctx, "emoji", longA)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		username string
		password string
		wantID   int64
		wantErr  *errno.ErrNo
	}{
		{"right password", "alice", "correct horse", alice, nil},
		{"long multibyte password", "emoji", longA, emoji, nil},
		{"wrong password", "alice", "correct horse!", 0, &errno.LoginFailed},
		{"password of another case", "alice", "Correct horse", 0, &errno.LoginFailed},
		{"long password differing after byte 72", "emoji", longB, 0, &errno.LoginFailed},
		{"the stored hash as password", "alice", f.users.created[0].PasswordHash, 0, &errno.LoginFailed},
		{"unknown user", "nobody", "correct horse", 0, &errno.LoginFailed},
		{"username of another case", "Alice", "correct horse", 0, &errno.LoginFailed},
		{"empty username", "", "correct horse", 0, &errno.ParamErr},
		{"empty password", "alice", "", 0, &errno.ParamErr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := f.svc.Login(ctx, tt.username, tt.password)
			if tt.wantErr != nil {
				wantErrNo(t, err, *tt.wantErr)
				if id != 0 {
					t.Fatalf("failed login returned id %d", id)
				}
				return
			}
			if err != nil || id != tt.wantID {
				t.Fatalf("Login = %d, %v; want %d", id, err, tt.wantID)
			}
		})
	}
}

func TestLoginDoesNotRevealWhetherTheUserExists(t *testing.T) {
	f := newFixture()
	ctx := context.Background()
	if _, err := f.svc.Register(ctx, "alice", "secret1"); err != nil {
		t.Fatal(err)
	}
	_, wrongPass := f.svc.Login(ctx, "alice", "nope")
	_, unknown := f.svc.Login(ctx, "bob", "nope")
	if errno.Convert(wrongPass) != errno.Convert(unknown) {
		t.Fatalf("wrong password answers %+v, unknown user %+v: must be identical", errno.Convert(wrongPass), errno.Convert(unknown))
	}
}

func TestLoginStoreErrorIsNotLoginFailed(t *testing.T) {
	f := newFixture()
	f.users.byNameErr = errStore
	id, err := f.svc.Login(context.Background(), "alice", "pw")
	wantInternal(t, err, errStore)
	if id != 0 {
		t.Fatalf("id %d", id)
	}
}

func TestGetUser(t *testing.T) {
	f := newFixture()
	ctx := context.Background()
	alice := f.users.add("alice")
	bob := f.users.add("bob")
	carol := f.users.add("carol")
	f.rels.edges[edge{bob, alice}] = 1   // bob follows alice
	f.rels.edges[edge{alice, carol}] = 2 // alice follows carol

	tests := []struct {
		name         string
		viewer, id   int64
		wantErr      *errno.ErrNo
		wantIsFollow bool
	}{
		{"follower sees is_follow", bob, alice, nil, true},
		{"non-follower", carol, alice, nil, false},
		{"follow is one-way", carol, bob, nil, false},
		{"followee does not follow back", alice, bob, nil, false},
		{"anonymous viewer", 0, alice, nil, false},
		{"own profile", alice, alice, nil, false},
		{"unknown id", alice, 999, &errno.UserNotExist, false},
		{"zero id", alice, 0, &errno.ParamErr, false},
		{"negative id", alice, -1, &errno.ParamErr, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := f.svc.GetUser(ctx, tt.viewer, tt.id)
			if tt.wantErr != nil {
				wantErrNo(t, err, *tt.wantErr)
				if u != nil {
					t.Fatalf("user %+v with error", u)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if u.Id != tt.id || u.IsFollow != tt.wantIsFollow {
				t.Fatalf("got id %d is_follow %v, want %d %v", u.Id, u.IsFollow, tt.id, tt.wantIsFollow)
			}
		})
	}
}

func TestGetUserPacksEveryField(t *testing.T) {
	f := newFixture()
	id := f.users.add("alice")
	viewer := f.users.add("viewer")
	f.rels.edges[edge{viewer, id}] = 1
	row := f.users.byID[id]
	got, err := f.svc.GetUser(context.Background(), viewer, id)
	if err != nil {
		t.Fatal(err)
	}
	want := &base.User{
		Id: id, Name: "alice", FollowCount: row.FollowCount, FollowerCount: row.FollowerCount, IsFollow: true,
		Avatar: avatarURL, BackgroundImage: backgroundURL, Signature: row.Signature,
		TotalFavorited: row.TotalFavorited, WorkCount: row.WorkCount, FavoriteCount: row.FavoriteCount,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

func TestGetUserStoreErrors(t *testing.T) {
	tests := []struct {
		name string
		set  func(*fixture)
	}{
		{"users", func(f *fixture) { f.users.byIDsErr = errStore }},
		{"relations", func(f *fixture) { f.rels.followingErr = errStore }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture()
			id := f.users.add("alice")
			tt.set(f)
			u, err := f.svc.GetUser(context.Background(), id, id)
			wantInternal(t, err, errStore)
			if u != nil {
				t.Fatalf("user %+v with error", u)
			}
			users, err := f.svc.MGetUsers(context.Background(), id, []int64{id})
			wantInternal(t, err, errStore)
			if users != nil {
				t.Fatalf("users %+v with error", users)
			}
		})
	}
}

func TestMGetUsers(t *testing.T) {
	f := newFixture()
	ctx := context.Background()
	a := f.users.add("a")
	b := f.users.add("b")
	c := f.users.add("c")
	viewer := f.users.add("viewer")
	f.rels.edges[edge{viewer, b}] = 1

	tests := []struct {
		name       string
		viewer     int64
		ids        []int64
		wantLookup []int64 // ids passed to the stores: unique, positive, in order
		wantFollow map[int64]bool
	}{
		{"duplicates, zero, negative and unknown ids are ignored", viewer, []int64{b, b, -1, 0, a, 999, a, -b},
			[]int64{b, a, 999}, map[int64]bool{a: false, b: true}},
		{"all known", viewer, []int64{c, b, a}, []int64{c, b, a}, map[int64]bool{a: false, b: true, c: false}},
		{"anonymous viewer", 0, []int64{a, b}, []int64{a, b}, map[int64]bool{a: false, b: false}},
		{"empty", viewer, nil, []int64{}, map[int64]bool{}},
		{"only invalid ids", viewer, []int64{0, -3}, []int64{}, map[int64]bool{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.users.byIDsCalls, f.rels.followingCalls = nil, nil
			got, err := f.svc.MGetUsers(ctx, tt.viewer, tt.ids)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil {
				t.Fatal("nil map")
			}
			gotFollow := map[int64]bool{}
			for id, u := range got {
				if u.Id != id || u.Name != f.users.byID[id].Username {
					t.Fatalf("key %d holds user %d %q", id, u.Id, u.Name)
				}
				if u.Avatar != avatarURL || u.BackgroundImage != backgroundURL {
					t.Fatalf("images %q %q", u.Avatar, u.BackgroundImage)
				}
				gotFollow[id] = u.IsFollow
			}
			if !reflect.DeepEqual(gotFollow, tt.wantFollow) {
				t.Fatalf("is_follow by id %v, want %v", gotFollow, tt.wantFollow)
			}
			// One batched read of users and one of is_follow, with clean ids.
			if len(f.users.byIDsCalls) > 1 || len(f.rels.followingCalls) > 1 {
				t.Fatalf("%d user reads, %d is_follow reads; want at most one each", len(f.users.byIDsCalls), len(f.rels.followingCalls))
			}
			for _, call := range f.users.byIDsCalls {
				if !sameIDs(call, tt.wantLookup) {
					t.Fatalf("ByIDs(%v), want %v", call, tt.wantLookup)
				}
			}
			for _, call := range f.rels.followingCalls {
				if call.viewer != tt.viewer || !sameIDs(call.ids, tt.wantLookup) {
					t.Fatalf("Following(%d, %v), want (%d, %v)", call.viewer, call.ids, tt.viewer, tt.wantLookup)
				}
			}
		})
	}
}

func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFollowValidation(t *testing.T) {
	f := newFixture()
	alice := f.users.add("alice")
	bob := f.users.add("bob")
	tests := []struct {
		name         string
		user, target int64
		action       int32
		want         errno.ErrNo
	}{
		{"action 0", alice, bob, 0, errno.BadActionType},
		{"action 3", alice, bob, 3, errno.BadActionType},
		{"negative action", alice, bob, -1, errno.BadActionType},
		{"self follow", alice, alice, service.ActionFollow, errno.FollowSelf},
		{"self unfollow", alice, alice, service.ActionUnfollow, errno.FollowSelf},
		{"unknown target", alice, 999, service.ActionFollow, errno.UserNotExist},
		{"unfollow unknown target", alice, 999, service.ActionUnfollow, errno.UserNotExist},
		{"zero target", alice, 0, service.ActionFollow, errno.ParamErr},
		{"negative target", alice, -2, service.ActionFollow, errno.ParamErr},
		{"acting user no longer exists", 777, bob, service.ActionFollow, errno.TokenInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := f.svc.Follow(context.Background(), tt.user, tt.target, tt.action)
			wantErrNo(t, err, tt.want)
			if len(f.rels.edges) != 0 || f.rels.events != 0 {
				t.Fatalf("a rejected follow changed relations: %v", f.rels.edges)
			}
			if len(f.waiter.Calls()) != 0 {
				t.Fatalf("a rejected follow waited: %+v", f.waiter.Calls())
			}
		})
	}
}

func TestFollowIsIdempotentAndWaitsForItsEvents(t *testing.T) {
	f := newFixture()
	ctx := context.Background()
	alice := f.users.add("alice")
	bob := f.users.add("bob")
	steps := []struct {
		name      string
		action    int32
		wantEdge  bool
		wantEvent []string // the events the call must wait for; nil: none
	}{
		{"follow", service.ActionFollow, true, []string{"ev-1"}},
		{"follow again", service.ActionFollow, true, nil},
		{"unfollow", service.ActionUnfollow, false, []string{"ev-2"}},
		{"unfollow again", service.ActionUnfollow, false, nil},
		{"follow after unfollow", service.ActionFollow, true, []string{"ev-3"}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			before := len(f.waiter.Calls())
			if err := f.svc.Follow(ctx, alice, bob, st.action); err != nil {
				t.Fatalf("Follow: %v", err)
			}
			if _, ok := f.rels.edges[edge{alice, bob}]; ok != st.wantEdge {
				t.Fatalf("edge alice->bob exists=%v, want %v", ok, st.wantEdge)
			}
			if len(f.rels.edges) != map[bool]int{true: 1, false: 0}[st.wantEdge] {
				t.Fatalf("edges %v", f.rels.edges)
			}
			var waited []string
			for _, c := range f.waiter.Calls()[before:] {
				if len(c.IDs) == 0 {
					continue
				}
				if c.Timeout != counterWait || !reflect.DeepEqual(c.Groups, counterGroups) {
					t.Fatalf("Wait(timeout %v, groups %v), want (%v, %v)", c.Timeout, c.Groups, counterWait, counterGroups)
				}
				waited = append(waited, c.IDs...)
			}
			if !reflect.DeepEqual(waited, st.wantEvent) {
				t.Fatalf("waited for %v, want %v", waited, st.wantEvent)
			}
		})
	}
}

func TestFollowStoreErrors(t *testing.T) {
	tests := []struct {
		name string
		set  func(*fixture)
	}{
		{"users", func(f *fixture) { f.users.byIDsErr = errStore }},
		{"relations", func(f *fixture) { f.rels.followErr = errStore }},
	}
	for _, tt := range tests {
		for _, action := range []int32{service.ActionFollow, service.ActionUnfollow} {
			t.Run(tt.name, func(t *testing.T) {
				f := newFixture()
				alice := f.users.add("alice")
				bob := f.users.add("bob")
				tt.set(f)
				wantInternal(t, f.svc.Follow(context.Background(), alice, bob, action), errStore)
				if len(f.waiter.Calls()) != 0 {
					t.Fatalf("waited after a failed follow: %+v", f.waiter.Calls())
				}
			})
		}
	}
}

func TestRelationLists(t *testing.T) {
	f := newFixture()
	ctx := context.Background()
	a := f.users.add("a")
	b := f.users.add("b")
	c := f.users.add("c")
	d := f.users.add("d")
	lonely := f.users.add("lonely")
	// a follows c, then b, then d (creation order differs from id order);
	// b and d follow a back, c follows b.
	for i, e := range []edge{{a, c}, {a, b}, {b, a}, {a, d}, {c, b}, {d, a}} {
		f.rels.edges[e] = i + 1
	}
	type list func(ctx context.Context, viewer, user int64) ([]*base.User, error)
	firstPage := func(l func(context.Context, int64, int64, *base.Page) ([]*base.User, *base.PageInfo, error)) list {
		return func(ctx context.Context, viewer, user int64) ([]*base.User, error) {
			users, _, err := l(ctx, viewer, user, nil)
			return users, err
		}
	}
	lists := map[string]list{"follow": firstPage(f.svc.FollowList), "follower": firstPage(f.svc.FollowerList), "friend": firstPage(f.svc.FriendList)}

	tests := []struct {
		list         string
		viewer, user int64
		want         []int64
		wantFollow   []bool
	}{
		{"follow", a, a, []int64{d, b, c}, []bool{true, true, true}},
		{"follow", c, a, []int64{d, b, c}, []bool{false, true, false}},
		{"follow", 0, a, []int64{d, b, c}, []bool{false, false, false}},
		{"follow", a, c, []int64{b}, []bool{true}},
		{"follow", a, lonely, []int64{}, nil},
		{"follower", a, a, []int64{d, b}, []bool{true, true}},
		{"follower", b, b, []int64{c, a}, []bool{false, true}},
		{"follower", a, lonely, []int64{}, nil},
		{"friend", a, a, []int64{d, b}, []bool{true, true}},
		{"friend", c, a, []int64{d, b}, []bool{false, true}},
		{"friend", a, c, []int64{}, nil},
		{"friend", a, b, []int64{a}, []bool{false}},
	}
	for _, tt := range tests {
		t.Run(tt.list, func(t *testing.T) {
			got, err := lists[tt.list](ctx, tt.viewer, tt.user)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil {
				t.Fatal("nil list")
			}
			var ids []int64
			var follows []bool
			for _, u := range got {
				ids = append(ids, u.Id)
				follows = append(follows, u.IsFollow)
			}
			if !sameIDs(ids, tt.want) || !reflect.DeepEqual(follows, tt.wantFollow) {
				t.Fatalf("%s list of %d seen by %d = %v is_follow %v, want %v %v", tt.list, tt.user, tt.viewer, ids, follows, tt.want, tt.wantFollow)
			}
		})
	}

	t.Run("users that vanished are skipped, order kept", func(t *testing.T) {
		f.rels.edges[edge{lonely, 999}] = 100
		f.rels.edges[edge{lonely, b}] = 99
		f.rels.edges[edge{lonely, a}] = 101
		got, err := lists["follow"](ctx, 0, lonely)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Id != a || got[1].Id != b {
			t.Fatalf("got %+v, want [a b]", got)
		}
	})

	for name, l := range lists {
		t.Run(name+" errors", func(t *testing.T) {
			_, err := l(ctx, a, 999)
			wantErrNo(t, err, errno.UserNotExist)
			_, err = l(ctx, a, 0)
			wantErrNo(t, err, errno.ParamErr)
			f.rels.listErr = errStore
			defer func() { f.rels.listErr = nil }()
			got, err := l(ctx, a, a)
			wantInternal(t, err, errStore)
			if got != nil {
				t.Fatalf("list %+v with error", got)
			}
		})
	}
}

// Lists come a page at a time: following next_cursor visits every entry
// once, newest first, and has_more says when to stop.
func TestRelationListsPage(t *testing.T) {
	f := newFixture()
	ctx := context.Background()
	star := f.users.add("star")
	var fans []int64
	for i := 0; i < 7; i++ {
		fan := f.users.add(fmt.Sprintf("fan%d", i))
		fans = append(fans, fan)
		f.rels.edges[edge{fan, star}] = 10 + i%3 // ties on time break by id
	}
	var seen []int64
	page := &base.Page{Count: 3}
	for pages := 0; ; pages++ {
		users, info, err := f.svc.FollowerList(ctx, star, star, page)
		if err != nil {
			t.Fatal(err)
		}
		if len(users) > 3 || pages > 3 {
			t.Fatalf("page %d has %d users", pages, len(users))
		}
		for _, u := range users {
			seen = append(seen, u.Id)
		}
		if !info.HasMore {
			if info.NextCursor != "" {
				t.Fatalf("last page names a next cursor %q", info.NextCursor)
			}
			break
		}
		page = &base.Page{Count: 3, Cursor: info.NextCursor}
	}
	if !slices.Equal(slices.Sorted(slices.Values(seen)), fans) {
		t.Fatalf("pages visited %v, want each of %v once", seen, fans)
	}
	for i := 1; i < len(seen); i++ {
		ri, rj := f.rels.edges[edge{seen[i-1], star}], f.rels.edges[edge{seen[i], star}]
		if ri < rj || ri == rj && seen[i-1] < seen[i] {
			t.Fatalf("order %v is not newest first", seen)
		}
	}
	for _, bad := range []*base.Page{{Count: -1}, {Cursor: "not-a-cursor"}} {
		_, _, err := f.svc.FollowerList(ctx, star, star, bad)
		wantErrNo(t, err, errno.ParamErr)
	}
}
