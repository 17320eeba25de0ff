//go:build js && wasm

package browser

import "syscall/js"

// OnFiles calls f with the file the reader picks in the file input at
// inputSel, or drops anywhere on the page, read whole unless it is larger
// than limit bytes. While a file is dragged over the page the element at
// zoneSel carries the class "dropping". The listeners sit on the document,
// so they outlive re-renders of the elements; f must not block. The
// returned func stops listening.
func OnFiles(zoneSel, inputSel string, limit int, f func(File)) (stop func()) {
	doc := js.Global().Get("document")
	zone := func(on bool) {
		if el := doc.Call("querySelector", zoneSel); el.Truthy() {
			el.Get("classList").Call("toggle", "dropping", on)
		}
	}
	read := func(files js.Value) {
		if !files.Truthy() || files.Get("length").Int() == 0 {
			return
		}
		file := files.Index(0)
		got := File{Name: file.Get("name").String(), Size: file.Get("size").Int()}
		if got.Size > limit {
			f(got)
			return
		}
		var then, fail js.Func
		release := func() { then.Release(); fail.Release() }
		then = js.FuncOf(func(_ js.Value, args []js.Value) any {
			defer release()
			arr := js.Global().Get("Uint8Array").New(args[0])
			got.Data = make([]byte, arr.Get("length").Int())
			js.CopyBytesToGo(got.Data, arr)
			f(got)
			return nil
		})
		fail = js.FuncOf(func(js.Value, []js.Value) any {
			defer release()
			f(got) // no data: unreadable, told like a file too large to read
			return nil
		})
		file.Call("arrayBuffer").Call("then", then, fail)
	}
	hasFiles := func(e js.Value) bool {
		dt := e.Get("dataTransfer")
		if !dt.Truthy() {
			return false
		}
		types := dt.Get("types")
		for i := 0; i < types.Length(); i++ {
			if types.Index(i).String() == "Files" {
				return true
			}
		}
		return false
	}
	over := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if e := args[0]; hasFiles(e) {
			e.Call("preventDefault") // else the browser opens the file instead of the page
			e.Get("dataTransfer").Set("dropEffect", "copy")
			zone(true)
		}
		return nil
	})
	leave := func(_ js.Value, args []js.Value) any {
		// relatedTarget is null when the drag leaves the window.
		if !args[0].Get("relatedTarget").Truthy() {
			zone(false)
		}
		return nil
	}
	leaveFn := js.FuncOf(leave)
	drop := js.FuncOf(func(_ js.Value, args []js.Value) any {
		e := args[0]
		if !hasFiles(e) {
			return nil
		}
		e.Call("preventDefault")
		zone(false)
		read(e.Get("dataTransfer").Get("files"))
		return nil
	})
	change := js.FuncOf(func(_ js.Value, args []js.Value) any {
		t := args[0].Get("target")
		if !t.Truthy() || !t.Call("matches", inputSel).Bool() {
			return nil
		}
		read(t.Get("files"))
		t.Set("value", "") // so that picking the same file again is seen
		return nil
	})
	doc.Call("addEventListener", "dragover", over)
	doc.Call("addEventListener", "dragleave", leaveFn)
	doc.Call("addEventListener", "drop", drop)
	doc.Call("addEventListener", "change", change)
	return func() {
		doc.Call("removeEventListener", "dragover", over)
		doc.Call("removeEventListener", "dragleave", leaveFn)
		doc.Call("removeEventListener", "drop", drop)
		doc.Call("removeEventListener", "change", change)
		for _, fn := range []js.Func{over, leaveFn, drop, change} {
			fn.Release()
		}
	}
}
