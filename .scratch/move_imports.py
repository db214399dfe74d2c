import re,sys,os,subprocess
# usage: move_imports.py NAMES_CSV FROM_MODULE_ABS TO_MODULE_ABS
names=set(sys.argv[1].split(','))
src=os.path.abspath(sys.argv[2]); dst=os.path.abspath(sys.argv[3])
files=subprocess.check_output(['git','ls-files','*.ts']).decode().split()
files+= [f for f in subprocess.check_output(['git','ls-files','--others','--exclude-standard','*.ts']).decode().split()]
pat=re.compile(r"import (type )?\{([^}]*)\} from '([^']+)';\n")
for f in files:
    s=open(f).read(); d=os.path.dirname(os.path.abspath(f)); changed=False
    def rel(p):
        r=os.path.relpath(p,d); return r if r.startswith('.') else './'+r
    def repl(m):
        global changed
        tkw,body,mod=m.group(1) or '',m.group(2),m.group(3)
        if not mod.startswith('.') or os.path.abspath(os.path.join(d,mod))!=src: return m.group(0)
        items=[x.strip() for x in body.split(',') if x.strip()]
        moved=[x for x in items if x.replace('type ','').split(' as ')[0].strip() in names]
        if not moved: return m.group(0)
        keep=[x for x in items if x not in moved]
        out=''
        if keep: out+=f"import {tkw}{{ {', '.join(keep)} }} from '{mod}';\n"
        out+=f"import {tkw}{{ {', '.join(moved)} }} from '{rel(dst)}';\n"
        changed=True
        return out
    s2=pat.sub(repl,s)
    if s2!=s: open(f,'w').write(s2); print('updated',f)
